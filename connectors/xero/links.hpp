#pragma once
// Deep links into the Xero web app (developer.xero.com "Deep link to Xero"). With the
// organisation's ShortCode (GET /Organisation) the link opens the right organisation:
//   https://go.xero.com/organisationlogin/default.aspx?shortcode=!X&redirecturl=/AccountsReceivable/View.aspx?InvoiceID=…
// Without one it opens in whichever organisation the person last used.

#include <string>
#include <string_view>

#include "core/model/invoice.hpp"

namespace capsync::xero {

// Sales invoice: /AccountsReceivable/View.aspx?InvoiceID=…; bill: /AccountsPayable/Edit.aspx?InvoiceID=…
std::string invoice_link(std::string_view short_code, const model::Invoice& invoice);
// A quote: https://go.xero.com/app/{ShortCode}/quotes/view/{QuoteID} (the form Xero's own MCP
// server builds, XeroAPI/xero-mcp-server src/consts/deeplinks.ts). Empty without a ShortCode:
// no documented quote link works without one.
std::string quote_link(std::string_view short_code, std::string_view quote_id);
// A new sales invoice for the contact: /AccountsReceivable/Edit.aspx?contactID=…
std::string new_invoice_link(std::string_view short_code, std::string_view contact_id);

}  // namespace capsync::xero
