#include "connectors/freeagent/links.hpp"

#include <fmt/format.h>

#include "core/connector/json.hpp"

namespace capsync::freeagent {

namespace json = connector::json;

namespace {

// Without a known subdomain the generic login page finds the user's company.
std::string web_root(std::string_view subdomain) {
  if (subdomain.empty()) return "https://login.freeagent.com";
  return fmt::format("https://{}.freeagent.com", subdomain);
}

}  // namespace

Result<Company> parse_company(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* company = json::object(*doc, "company");
  if (!company) return Error(Errc::protocol, "no \"company\" object in the response");
  return Company{std::string(json::text_or_empty(*company, "url")), std::string(json::text_or_empty(*company, "name")),
                 std::string(json::text_or_empty(*company, "subdomain"))};
}

std::string invoice_link(std::string_view subdomain, std::string_view invoice_id) {
  return fmt::format("{}/invoices/{}", web_root(subdomain), invoice_id);
}

std::string new_invoice_link(std::string_view subdomain, std::string_view contact_id) {
  return fmt::format("{}/invoices/new?contact={}", web_root(subdomain), contact_id);
}

std::string estimate_link(std::string_view subdomain, std::string_view estimate_id) {
  return fmt::format("{}/estimates/{}", web_root(subdomain), estimate_id);
}

}  // namespace capsync::freeagent
