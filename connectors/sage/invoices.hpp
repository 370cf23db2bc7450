#pragma once
// Sage sales_invoices / purchase_invoices JSON -> model::Invoice. Money comes as JSON numbers;
// they are read from their source text, never through a binary floating-point value (R8).
//   status.id DRAFT -> draft, UNPAID / PART_PAID -> authorised, PAID -> paid, VOID -> voided;
//   deleted_at set -> deleted. Other ids (Sage serves its list at /artefact_statuses) read as
//   authorised: the outstanding amount still decides what is owed.
//   total_amount -> total, total_paid -> amount_paid, outstanding_amount -> amount_due.
//   invoice_number (purchase: vendor_reference, else reference) -> number.

#include <string_view>

#include <rapidjson/document.h>

#include "core/connector/page.hpp"
#include "core/error/result.hpp"
#include "core/model/invoice.hpp"

namespace capsync::sage {

Result<model::Invoice> parse_invoice(const rapidjson::Value& item, model::InvoiceType type);
// The "$items" of an invoices list; an item that cannot be read is described in `unreadable`.
connector::Decoded<model::Invoice> parse_invoices(const rapidjson::Value& items, model::InvoiceType type);

// The web page of the invoice from its links[] (rel "alternate", type text/html), if Sage gave one.
std::string_view html_link(const rapidjson::Value& item);

}  // namespace capsync::sage
