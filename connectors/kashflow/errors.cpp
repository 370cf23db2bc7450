#include "connectors/kashflow/errors.hpp"

#include <fmt/format.h>

#include "core/connector/json.hpp"
#include "core/connector/status_error.hpp"

namespace capsync::kashflow {

namespace json = connector::json;

namespace {

std::string describe(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc || !doc->IsObject()) return json::excerpt(body);
  std::string code(json::text_or_empty(*doc, "Error"));
  std::string message(json::text_or_empty(*doc, "Message"));
  if (code.empty() && message.empty()) return json::excerpt(body);
  if (code.empty()) return message;
  if (message.empty()) return code;
  return fmt::format("{} [{}]", message, code);
}

}  // namespace

std::string error_code(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc || !doc->IsObject()) return {};
  return std::string(json::text_or_empty(*doc, "Error"));
}

Error map_error(const http::Response& r, std::string_view what) {
  const bool locked = r.status == 401 && error_code(r.body) == "AccountLocked";
  return connector::error_from_status(
      r, what,
      {.provider = "KashFlow",
       .reason = describe(r.body),
       .credential = "session token",
       .unauthorized_advice = locked ? "the KashFlow user account is locked; an administrator must unlock it in KashFlow"
                                     : "",
       .forbidden_advice = "give the KashFlow user permission to view, create and edit customers, to view and edit "
                           "suppliers and to view invoices and purchases"});
}

}  // namespace capsync::kashflow
