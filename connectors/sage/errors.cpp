#include "connectors/sage/errors.hpp"

#include <vector>

#include <fmt/format.h>

#include "core/connector/json.hpp"
#include "core/connector/status_error.hpp"

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
  std::string text = describe(messages_of(r.body), r.body);
  const bool no_subscription = r.status == 401 && text.find("subscription") != std::string::npos;
  return connector::error_from_status(
      r, what,
      {.provider = "Sage",
       .reason = std::move(text),
       .unauthorized_advice = no_subscription ? "the business has no active subscription; renew it in Sage" : "",
       .forbidden_advice = "give the connected Sage user full access to Contacts and Sales in Sage, or reconnect with "
                           "`capsyncctl connect`"});
}

}  // namespace capsync::sage
