#pragma once
// Deep links into the Sage Accounting web app. Invoices carry their own page in links[] when
// Sage gives one (used first). Otherwise, and for a new invoice, the link is built on the
// web app's address (`web_url`, default https://accounting.sageone.co.uk for UK businesses):
//   <web_url>/invoicing/sales_invoices/<id>          (purchase: /invoicing/purchase_invoices/<id>)
//   <web_url>/invoicing/sales_invoices/new?contact_id=<id>
//   <web_url>/invoicing/sales_quotes/<id>            (estimate: /invoicing/sales_estimates/<id>)
// These paths follow the API resource names; they are not confirmed against the live app.

#include <string>
#include <string_view>

#include "core/model/invoice.hpp"
#include "core/model/quote.hpp"

namespace capsync::sage {

std::string invoice_link(std::string_view web_url, const model::Invoice& invoice);
std::string new_invoice_link(std::string_view web_url, std::string_view contact_id);
std::string quote_link(std::string_view web_url, const model::Quote& quote);

}  // namespace capsync::sage
