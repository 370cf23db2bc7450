#pragma once
// Url: the parts of an absolute request URL the client needs, and what it may log of it.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error/result.hpp"

namespace capsync::http {

struct Url {
  bool tls = true;
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 443;
  std::string target;  // path and query, as sent in the request line ("/" if empty)

  // "https://host:port": the connection pool key.
  std::string origin() const;
};

// Parses an absolute http(s) URL. Plain http is refused unless the host is loopback.
Result<Url> parse_url(std::string_view url);

// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(std::string_view host);

// The path with query values whose keys look secret (token, code, secret, password, key,
// signature, …) replaced by "<redacted>"; safe for debug logs.
std::string loggable_target(std::string_view target);

}  // namespace capsync::http
