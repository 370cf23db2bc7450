#include "connectors/freshbooks/business.hpp"

#include <fmt/format.h>

#include "core/connector/json.hpp"

namespace capsync::freshbooks {

namespace json = connector::json;

namespace {

std::string listing(const std::vector<Business>& businesses) {
  std::vector<std::string> parts;
  for (const auto& b : businesses) parts.push_back(fmt::format("{} ({})", b.account_id, b.name));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

Result<std::vector<Business>> parse_memberships(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* response = json::object(*doc, "response");
  const auto* memberships = response ? json::array(*response, "business_memberships") : nullptr;
  if (memberships == nullptr) return Error(Errc::protocol, "no \"business_memberships\" in the users/me response");
  std::vector<Business> out;
  for (const auto& m : memberships->GetArray()) {
    const auto* business = json::object(m, "business");
    if (business == nullptr) continue;
    std::string account(json::text_or_empty(*business, "account_id"));
    if (!account.empty()) out.push_back(Business{std::move(account), std::string(json::text_or_empty(*business, "name"))});
  }
  return out;
}

Result<Business> choose_business(const std::vector<Business>& businesses, const std::optional<std::string>& configured) {
  if (configured && !configured->empty()) {
    for (const auto& b : businesses)
      if (b.account_id == *configured) return b;
    return make_error(Errc::invalid_argument,
                      "the FreshBooks user has no business with account_id \"{}\"; the user's businesses: {}",
                      *configured, businesses.empty() ? std::string("none") : listing(businesses));
  }
  if (businesses.size() == 1) return businesses.front();
  if (businesses.empty())
    return Error(Errc::invalid_argument, "the FreshBooks user belongs to no business with accounting");
  return make_error(Errc::invalid_argument,
                    "the FreshBooks user belongs to several businesses: {}; set accounting.account_id to one of them",
                    listing(businesses));
}

std::string invoice_link(std::string_view account_id, std::string_view invoice_id) {
  return fmt::format("https://my.freshbooks.com/#/invoice/{}-{}", account_id, invoice_id);
}

std::string new_invoice_link(std::string_view client_id) {
  return fmt::format("https://my.freshbooks.com/#/client/{}", client_id);
}

}  // namespace capsync::freshbooks
