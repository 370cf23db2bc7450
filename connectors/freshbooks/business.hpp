#pragma once
// The FreshBooks business a connection works in, and deep links into FreshBooks' web app (R7).
// GET /auth/api/v1/users/me lists the user's business_memberships; accounting calls use the
// business's account_id (a short code such as "ABC123"). Links (third-party code agrees on the
// invoice form, FreshBooks documents none):
//   invoice:     https://my.freshbooks.com/#/invoice/<account_id>-<invoice id>
//   new invoice: https://my.freshbooks.com/#/client/<client id> (the client's page, which has
//                "New Invoice"; no link that opens a new invoice for a client was found)

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"

namespace capsync::freshbooks {

struct Business {
  std::string account_id;
  std::string name;
};

// {"response":{"business_memberships":[{"business":{"account_id","name",…}},…]}}; memberships
// without an account_id (no accounting) are left out.
Result<std::vector<Business>> parse_memberships(std::string_view body);

// The configured account_id when set (it must be one of `businesses`), else the only business.
// None, or several and none configured, is Errc::invalid_argument naming the choices.
Result<Business> choose_business(const std::vector<Business>& businesses, const std::optional<std::string>& configured);

std::string invoice_link(std::string_view account_id, std::string_view invoice_id);
std::string new_invoice_link(std::string_view client_id);

}  // namespace capsync::freshbooks
