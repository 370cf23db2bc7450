#include "connectors/kashflow/errors.hpp"

#include <fmt/format.h>

#include "core/connector/headers.hpp"
#include "core/connector/json.hpp"

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
  std::string text = describe(r.body);
  switch (r.status) {
    case 400:
    case 409:
    case 422:
      return make_error(Errc::invalid_argument, "KashFlow refused {}: {}", what, text);
    case 401:
      if (error_code(r.body) == "AccountLocked")
        return make_error(Errc::unauthorized,
                          "KashFlow refused {}: the KashFlow user account is locked (401 {}); an administrator must "
                          "unlock it in KashFlow",
                          what, text);
      return make_error(Errc::unauthorized, "KashFlow rejected the session token for {} (401 {})", what, text);
    case 403:
      return make_error(Errc::unauthorized,
                        "KashFlow refused access to {} (403 {}): give the KashFlow user permission to view, create and "
                        "edit customers, to view and edit suppliers and to view invoices and purchases",
                        what, text);
    case 404:
      return make_error(Errc::not_found, "KashFlow has no {} (404)", what);
    case 429: {
      auto after = connector::find_header(r.headers, "Retry-After").value_or("?");
      return make_error(Errc::rate_limited, "KashFlow rate limit reached on {}; retry after {} s", what, after);
    }
    default:
      return make_error(Errc::http, "KashFlow answered HTTP {} to {}: {}", r.status, what, text);
  }
}

}  // namespace capsync::kashflow
