#pragma once
// Reading response headers from plain http::Headers, so the JSON-mapping libraries need not
// link the HTTP client (and Asio) just to read a response header.

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "core/http/request.hpp"

namespace capsync::connector {

inline std::optional<std::string_view> find_header(const http::Headers& headers, std::string_view name) {
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const auto& [key, value] : headers)
    if (same(key, name)) return std::string_view(value);
  return std::nullopt;
}

// The URL with rel="next" in a Link header (RFC 8288: `<url>; rel="next", <url>; rel="last"`),
// or empty when there is none: the last page.
std::string next_link(std::string_view link_header);

}  // namespace capsync::connector
