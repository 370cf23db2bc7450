#pragma once
// KashFlow REST invoices JSON -> model::Invoice (REST invoice example on kashflow.com and
// CappyTech docs/InvoicesRESTExample.json). Sales invoices only: purchases are /purchases.
//   remote_id and number = Number (REST addresses invoices by number); contact = CustomerCode.
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

#include <string_view>

#include <rapidjson/document.h>

#include "core/error/result.hpp"
#include "core/model/invoice.hpp"

namespace capsync::kashflow {

Result<model::Invoice> parse_invoice(const rapidjson::Value& item, std::string_view api_origin);

}  // namespace capsync::kashflow
