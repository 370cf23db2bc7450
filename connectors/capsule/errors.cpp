#include "connectors/capsule/errors.hpp"

#include <string>
#include <vector>

#include "core/connector/headers.hpp"
#include "core/connector/json.hpp"

namespace capsync::capsule {

namespace json = connector::json;

Error map_error(const http::Response& r, std::string_view what) {
  auto doc = json::parse(r.body);
  std::string message;
  std::vector<std::string> details;
  bool clash = false;
  if (doc) {
    message = std::string(json::text(*doc, "message").value_or(json::text_or_empty(*doc, "error")));
    if (const auto* errors = json::array(*doc, "errors")) {
      for (const auto& e : errors->GetArray()) {
        std::string_view field = json::text_or_empty(e, "field");
        std::string_view text = json::text_or_empty(e, "message");
        details.push_back(field.empty() ? std::string(text) : fmt::format("{}: {}", field, text));
        clash = clash || (field == "name" && text.find("already") != std::string_view::npos);
      }
    }
  }
  if (message.empty()) message = json::excerpt(r.body);
  std::string reason = details.empty() ? message : fmt::format("{}", fmt::join(details, "; "));
  switch (r.status) {
    case 400:
    case 422:
      return make_error(clash ? Errc::conflict : Errc::invalid_argument, "Capsule refused {}: {}",
                        what, reason);
    case 401:
      return make_error(Errc::unauthorized,
                        "Capsule rejected the access token for {} (401 {}), also after reading it "
                        "again: the connection needs a new Capsule token in its token file",
                        what, message);
    case 403:
      return make_error(Errc::unauthorized,
                        "Capsule refused access to {} (403 {}): the token needs the read and "
                        "write scopes",
                        what, message);
    case 404:
      return make_error(Errc::not_found, "Capsule has no {} (404)", what);
    case 429:
      return make_error(Errc::rate_limited,
                        "Capsule rate limit reached on {}; it resets at {} (epoch seconds)", what,
                        connector::find_header(r.headers, "X-RateLimit-Reset").value_or("?"));
    default:
      return make_error(Errc::http, "Capsule answered HTTP {} to {}: {}", r.status, what, reason);
  }
}

std::string next_link(std::string_view header) {
  // Link: <https://…?page=2>; rel="next", <…>; rel="prev"
  while (!header.empty()) {
    auto open = header.find('<');
    auto close = header.find('>', open);
    if (open == std::string_view::npos || close == std::string_view::npos) break;
    std::string_view url = header.substr(open + 1, close - open - 1);
    auto comma = header.find(",", close);
    std::string_view params = header.substr(close + 1, comma == std::string_view::npos ? std::string_view::npos : comma - close - 1);
    if (params.find("rel=\"next\"") != std::string_view::npos || params.find("rel=next") != std::string_view::npos)
      return std::string(url);
    if (comma == std::string_view::npos) break;
    header = header.substr(comma + 1);
  }
  return {};
}

}  // namespace capsync::capsule
