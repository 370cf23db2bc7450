#pragma once
// FreeAgent paging and links: the Link header's rel="next", the company (GET /v2/company)
// whose subdomain names the web app, and deep links into it (R7):
//   invoice:     https://<subdomain>.freeagent.com/invoices/<id>
//   new invoice: https://<subdomain>.freeagent.com/invoices/new?contact=<contact id>
//   estimate:    https://<subdomain>.freeagent.com/estimates/<id>

#include <string>
#include <string_view>

#include "core/error/result.hpp"

namespace capsync::freeagent {

struct Company {
  std::string url;        // the API URL of the company
  std::string name;
  std::string subdomain;  // "acme" for https://acme.freeagent.com
};
// {"company":{…}}.
Result<Company> parse_company(std::string_view body);

std::string invoice_link(std::string_view subdomain, std::string_view invoice_id);
std::string new_invoice_link(std::string_view subdomain, std::string_view contact_id);
std::string estimate_link(std::string_view subdomain, std::string_view estimate_id);

}  // namespace capsync::freeagent
