#include "connectors/freeagent/errors.hpp"

#include <fmt/format.h>

#include "core/connector/json.hpp"
#include "core/connector/status_error.hpp"

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
  return connector::error_from_status(
      r, what,
      {.provider = "FreeAgent",
       .reason = messages.empty() ? json::excerpt(r.body) : fmt::format("{}", fmt::join(messages, "; ")),
       .forbidden_advice = "the authorising FreeAgent user needs the \"Contacts & Projects\" and \"Invoices, "
                           "Estimates & Files\" access levels; reconnect with `capsyncctl connect`",
       .rate_limit = "rate limit (120 a minute, 3,600 an hour per user)"});
}

}  // namespace capsync::freeagent
