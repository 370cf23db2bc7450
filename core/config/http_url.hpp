#pragma once
// Internal to core/config: the facts the URL checks need about a configured URL, parsed with
// Boost.URL. Kept apart so Boost.URL's headers (and GCC 12's false warnings on them) stay in
// one file.

#include <optional>
#include <string>
#include <string_view>

namespace capsync::config::detail {

struct HttpUrl {
  bool http = false;      // else https
  bool loopback = false;  // 127.0.0.0/8, ::1 or the name localhost; other names are not resolved
  bool userinfo = false;  // "user@" or "user:password@" before the host
  std::string host;       // as written, IPv6 in brackets
};

// An absolute http:// or https:// URL with a host; nullopt for anything else.
std::optional<HttpUrl> parse_http_url(std::string_view url);

}  // namespace capsync::config::detail
