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

std::string next_link(std::string_view header) {
  // Link: <https://…?page=2&per_page=100>; rel="next", <…>; rel="last"
  while (!header.empty()) {
    auto open = header.find('<');
    auto close = header.find('>', open);
    if (open == std::string_view::npos || close == std::string_view::npos) break;
    std::string_view url = header.substr(open + 1, close - open - 1);
    auto comma = header.find(',', close);
    std::string_view params = header.substr(close + 1, comma == std::string_view::npos ? std::string_view::npos : comma - close - 1);
    if (params.find("rel=\"next\"") != std::string_view::npos || params.find("rel=next") != std::string_view::npos)
      return std::string(url);
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return {};
}

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

}  // namespace capsync::freeagent
