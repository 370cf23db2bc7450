#include "connectors/xero/errors.hpp"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include "core/connector/headers.hpp"
#include "core/connector/json.hpp"
#include "core/connector/status_error.hpp"

namespace capsync::xero {

namespace json = connector::json;

namespace {

void collect(const rapidjson::Value& element, std::vector<std::string>& out) {
  if (const auto* errors = json::array(element, "ValidationErrors")) {
    for (const auto& e : errors->GetArray()) {
      auto m = json::text(e, "Message");
      if (m && !m->empty()) out.emplace_back(*m);
    }
  }
}

// Xero's wording for R13: "The contact name X is already assigned to another contact."
bool is_name_clash(std::string_view message) {
  return message.find("already assigned to another contact") != std::string_view::npos;
}

}  // namespace

std::vector<std::string> validation_messages(const rapidjson::Value& root) {
  std::vector<std::string> out;
  for (auto key : {"Elements", "Contacts", "Invoices", "Quotes"}) {
    if (const auto* elements = json::array(root, key))
      for (const auto& e : elements->GetArray()) collect(e, out);
  }
  return out;
}

Error refusal(std::string_view what, const std::vector<std::string>& messages) {
  bool clash = false;
  for (const auto& m : messages) clash = clash || is_name_clash(m);
  return make_error(clash ? Errc::conflict : Errc::invalid_argument, "Xero refused {}: {}", what,
                    fmt::join(messages, "; "));
}

Error map_error(const http::Response& r, std::string_view what) {
  auto doc = json::parse(r.body);
  std::string message;
  std::vector<std::string> messages;
  if (doc) {
    messages = validation_messages(*doc);
    message = std::string(json::text(*doc, "Message").value_or(json::text(*doc, "Detail").value_or("")));
  }
  if (message.empty()) message = json::excerpt(r.body);
  if (r.status == 400 && !messages.empty()) return refusal(what, messages);

  auto problem = connector::find_header(r.headers, "X-Rate-Limit-Problem");
  Error error = connector::error_from_status(
      r, what,
      {.provider = "Xero",
       .reason = std::move(message),
       .forbidden_advice = "reconnect the organisation with `capsyncctl connect` and grant the contacts and "
                           "transactions scopes",
       .rate_limit = problem ? fmt::format("{} rate limit", *problem) : "rate limit"});
  // Xero's day quota: the reset time lets the job runner park the connection at once.
  auto after = connector::find_header(r.headers, "Retry-After").value_or("");
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(after.data(), after.data() + after.size(), seconds);
  if (r.status != 429 || problem != "day" || ec != std::errc{} || end != after.data() + after.size()) return error;
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  return error.with_retry_at({now.count() + seconds * 1000, true, "xero"});
}

}  // namespace capsync::xero
