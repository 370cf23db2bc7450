#pragma once
// parse_endpoint: a "host:port" setting (IPv6 as "[::1]:port") as a TCP endpoint to bind.

#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "core/error/result.hpp"

namespace capsync::daemon {

// `setting` names the key in errors ("metrics_listen"). `loopback_only`: refuse any other
// address (an endpoint without authentication).
Result<boost::asio::ip::tcp::endpoint> parse_endpoint(std::string_view setting, const std::string& listen,
                                                      bool loopback_only);

}  // namespace capsync::daemon
