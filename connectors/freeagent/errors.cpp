#include "connectors/freeagent/errors.hpp"

#include <fmt/format.h>

#include "core/connector/headers.hpp"
#include "core/connector/json.hpp"

namespace capsync::freeagent {

namespace json = connector::json;

std::vector<std::string> error_messages(std::string_view body) {
  std::vector<std::string> out;
  auto doc = json::parse(body);
  if (!doc || !doc->IsObject()) return out;
  auto add = [&](std::string_view m) {
    if (!m.empty()) out.emplace_back(m);
  };
  if (const auto* list = json::array(*doc, "errors")) {
    for (const auto& e : list->GetArray()) add(json::text_or_empty(e, "message"));
  } else if (const auto* fields = json::object(*doc, "errors")) {
    for (const auto& m : fields->GetObject()) {
      std::string_view field(m.name.GetString(), m.name.GetStringLength());
      if (m.value.IsObject()) {
        add(json::text_or_empty(m.value, "message"));
      } else if (m.value.IsArray()) {
        for (const auto& reason : m.value.GetArray())
          if (reason.IsString()) out.push_back(fmt::format("{} {}", field, reason.GetString()));
      } else if (m.value.IsString()) {
        out.push_back(fmt::format("{} {}", field, m.value.GetString()));
      }
    }
  } else if (auto error = json::text(*doc, "error")) {
    auto description = json::text_or_empty(*doc, "error_description");
    add(description.empty() ? std::string(*error) : fmt::format("{}: {}", *error, description));
  }
  return out;
}

Error map_error(const http::Response& r, std::string_view what) {
  auto messages = error_messages(r.body);
  std::string message = messages.empty() ? json::excerpt(r.body) : fmt::format("{}", fmt::join(messages, "; "));
  switch (r.status) {
    case 400:
    case 422:
      return make_error(Errc::invalid_argument, "FreeAgent refused {}: {}", what, message);
    case 401:
      return make_error(Errc::unauthorized, "FreeAgent rejected the access token for {} (401 {})", what, message);
    case 403:
      return make_error(Errc::unauthorized,
                        "FreeAgent refused access to {} (403 {}): the authorising FreeAgent user needs the "
                        "\"Contacts & Projects\" and \"Invoices, Estimates & Files\" access levels; reconnect "
                        "with `capsyncctl connect`",
                        what, message);
    case 404:
      return make_error(Errc::not_found, "FreeAgent has no {} (404)", what);
    case 429: {
      auto after = connector::find_header(r.headers, "Retry-After").value_or("?");
      return make_error(Errc::rate_limited,
                        "FreeAgent rate limit (120 a minute, 3,600 an hour per user) reached on {}; retry after {} s",
                        what, after);
    }
    default:
      return make_error(Errc::http, "FreeAgent answered HTTP {} to {}: {}", r.status, what, message);
  }
}

}  // namespace capsync::freeagent
