#pragma once
// Links for people (R7). An invoice opens its Permalink (KashFlow's printable copy, documented
// on kashflow.com/developers "Permalinks"), which every REST invoice carries. KashFlow documents
// no web-app deep links; without a Permalink, and for a new invoice, the link is a best guess on
// the web app's address (`web_url`, default https://app.kashflow.com), NOT confirmed:
//   <web_url>/invoices/<number>                      a sales invoice
//   <web_url>/purchases/<number>                     a purchase
//   <web_url>/invoices/new?customerCode=<code>       for a customer
//   <web_url>/purchases/new?supplierCode=<code>      for a supplier (suppliers.hpp ids)

#include <string>
#include <string_view>

#include "core/model/invoice.hpp"

namespace capsync::kashflow {

std::string invoice_link(std::string_view web_url, const model::Invoice& invoice);
// `contact_remote_id` is a customer's code or a supplier's remote id.
std::string new_invoice_link(std::string_view web_url, std::string_view contact_remote_id);

}  // namespace capsync::kashflow
