#include "connectors/sage/errors.hpp"

#include <vector>

#include <fmt/format.h>

#include "core/connector/headers.hpp"
#include "core/connector/json.hpp"

namespace capsync::sage {

namespace json = connector::json;

namespace {

struct SageMessage {
  std::string code, message, source;
};

std::vector<SageMessage> messages_of(std::string_view body) {
  std::vector<SageMessage> out;
  auto doc = json::parse(body);
  if (!doc) return out;
  auto collect = [&](const rapidjson::Value& e) {
    out.push_back({std::string(json::text_or_empty(e, "$dataCode")), std::string(json::text_or_empty(e, "$message")),
                   std::string(json::text_or_empty(e, "$source"))});
  };
  if (doc->IsArray())
    for (const auto& e : doc->GetArray()) collect(e);
  else if (doc->IsObject() && json::text(*doc, "$message"))
    collect(*doc);
  return out;
}

std::string describe(const std::vector<SageMessage>& messages, std::string_view body) {
  if (messages.empty()) return json::excerpt(body);
  std::vector<std::string> parts;
  for (const auto& m : messages) {
    std::string text = m.source.empty() || m.source == "base" ? m.message : m.source + " " + m.message;
    if (!m.code.empty()) text += " [" + m.code + "]";
    parts.push_back(std::move(text));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace

Error map_error(const http::Response& r, std::string_view what) {
  auto messages = messages_of(r.body);
  std::string text = describe(messages, r.body);
  switch (r.status) {
    case 400:
    case 409:
    case 422:
      return make_error(Errc::invalid_argument, "Sage refused {}: {}", what, text);
    case 401:
      if (text.find("subscription") != std::string::npos)
        return make_error(Errc::unauthorized,
                          "Sage refused {}: the business has no active subscription (401 {}); renew it in Sage", what,
                          text);
      return make_error(Errc::unauthorized, "Sage rejected the access token for {} (401 {})", what, text);
    case 403:
      return make_error(Errc::unauthorized,
                        "Sage refused access to {} (403 {}): give the connected Sage user full access to Contacts "
                        "and Sales in Sage, or reconnect with `capsyncctl connect`",
                        what, text);
    case 404:
      return make_error(Errc::not_found, "Sage has no {} (404)", what);
    case 429: {
      auto after = connector::find_header(r.headers, "Retry-After").value_or("?");
      return make_error(Errc::rate_limited, "Sage rate limit reached on {}; retry after {} s", what, after);
    }
    default:
      return make_error(Errc::http, "Sage answered HTTP {} to {}: {}", r.status, what, text);
  }
}

}  // namespace capsync::sage
