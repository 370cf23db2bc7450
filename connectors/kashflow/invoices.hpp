#pragma once
// KashFlow REST invoices and purchases JSON -> model::Invoice (REST invoice example on
// kashflow.com and CappyTech docs/InvoicesRESTExample.json; purchases on
// kashflow.com/developers/rest-api/api-purchases).
//   Sales invoices (/invoices): remote_id and number = Number (REST addresses invoices by
//   number); contact = CustomerCode.
//   Purchases (/purchases, read only for R6's include_supplier_invoices): type purchase (a bill);
//   number = Number, remote_id = "purchase:" + Number (purchases are numbered apart from sales
//   invoices, so a bare number could be a sales invoice's); contact = the supplier's remote id
//   made of SupplierCode (suppliers.hpp). Documented purchase members: Number, IssuedDate,
//   DueDate, PaidDate, NetAmount, VATAmount, GrossAmount, HomeCurrencyGrossAmount,
//   TotalPaidAmount ("in home currency"), Status (Unpaid, Paid, Overpaid, Overdue or NA, NA
//   meaning a zero amount), Currency, SupplierId, SupplierCode, SupplierName, and a Permalink of
//   the form /v2/documents/purchaseorder/<guid> (documents page). Both are mapped alike:
//   GrossAmount -> total, TotalPaidAmount -> amount_paid, amount_due = GrossAmount -
//   TotalPaidAmount, read from the JSON text, never through a binary floating-point value (R8).
//   KashFlow documents TotalPaidAmount as "in home currency": for an invoice in another
//   currency that difference is only right at an exchange rate of 1 (an open limitation).
//   Status (value set unverified; "Paid" seen): Paid -> paid, Draft -> draft, Void/Voided/
//   Cancelled -> voided, anything else -> authorised; outstanding and overdue come from the
//   amounts and DueDate, not from Status.
//   IssuedDate/DueDate -> the wall dates KashFlow wrote. Currency.Code (GBP when absent).
//   Permalink (a printable copy, "/v2/documents/invoice/<guid>") -> url, made absolute on
//   `api_origin` (e.g. "https://api.kashflow.com").
// No LastUpdatedDate is documented for invoices: updated_at stays empty.

#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "core/connector/page.hpp"
#include "core/error/result.hpp"
#include "core/model/invoice.hpp"

namespace capsync::kashflow {

Result<model::Invoice> parse_invoice(const rapidjson::Value& item, std::string_view api_origin);
Result<model::Invoice> parse_purchase(const rapidjson::Value& item, std::string_view api_origin);
std::string purchase_remote_id(std::string_view number);
// The items of an invoices (or, `purchases`, a purchases) list; an item that cannot be read is
// described in `unreadable`.
connector::Decoded<model::Invoice> parse_invoices(const rapidjson::Value& items, std::string_view api_origin,
                                                  bool purchases);

}  // namespace capsync::kashflow
