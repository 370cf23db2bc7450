#pragma once
// The TCP listeners of capsyncd (metrics, webhooks): a "host:port" setting (IPv6 as
// "[::1]:port") as an endpoint, and the acceptor's open, close and port.

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "core/error/result.hpp"

namespace capsync::daemon {

// `setting` names the key in errors ("metrics_listen"). `loopback_only`: refuse any other
// address (an endpoint without authentication).
Result<boost::asio::ip::tcp::endpoint> parse_endpoint(std::string_view setting, const std::string& listen,
                                                      bool loopback_only);

// Opens, binds and listens on `endpoint`; Errc::io naming `listen` when that fails.
Status listen_on(boost::asio::ip::tcp::acceptor& acceptor, const boost::asio::ip::tcp::endpoint& endpoint,
                 const std::string& listen);
// Closes an open acceptor (its accept loop then ends); errors are of no use at that point.
void close_acceptor(boost::asio::ip::tcp::acceptor& acceptor);
// The port the acceptor is bound to, 0 when it is not.
std::uint16_t bound_port(const boost::asio::ip::tcp::acceptor& acceptor);

}  // namespace capsync::daemon
