#include "connectors/freshbooks/errors.hpp"

#include <fmt/format.h>

#include "core/connector/json.hpp"
#include "core/connector/status_error.hpp"

namespace capsync::freshbooks {

namespace json = connector::json;

std::vector<std::string> error_messages(std::string_view body) {
  std::vector<std::string> out;
  auto doc = json::parse(body);
  if (!doc || !doc->IsObject()) return out;
  auto describe = [&](const rapidjson::Value& e) {
    std::string message(json::text_or_empty(e, "message"));
    auto field = json::text_or_empty(e, "field");
    if (!field.empty()) message = fmt::format("{}: {}", field, message);
    if (auto number = json::text(e, "errno")) message += fmt::format(" [errno {}]", *number);
    out.push_back(std::move(message));
  };
  const auto* response = json::object(*doc, "response");
  if (const auto* list = response ? json::array(*response, "errors") : nullptr) {
    for (const auto& e : list->GetArray()) describe(e);
  } else if (json::text(*doc, "message")) {
    describe(*doc);
    if (const auto* details = json::array(*doc, "details"))
      for (const auto& d : details->GetArray())
        if (d.IsString()) out.emplace_back(d.GetString(), d.GetStringLength());
  } else if (auto error = json::text(*doc, "error")) {
    auto description = json::text_or_empty(*doc, "error_description");
    out.push_back(description.empty() ? std::string(*error) : fmt::format("{}: {}", *error, description));
  }
  return out;
}

Error map_error(const http::Response& r, std::string_view what) {
  auto messages = error_messages(r.body);
  return connector::error_from_status(
      r, what,
      {.provider = "FreshBooks",
       .reason = messages.empty() ? json::excerpt(r.body) : fmt::format("{}", fmt::join(messages, "; ")),
       .forbidden_advice = "the app needs the scopes user:profile:read, user:clients:read, user:clients:write and "
                           "user:invoices:read, and the user must belong to the configured business; fix the app and "
                           "reconnect with `capsyncctl connect`"});
}

}  // namespace capsync::freshbooks
