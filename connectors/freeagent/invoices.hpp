#pragma once
// FreeAgent invoices JSON -> model::Invoice. /v2/invoices holds sales invoices only (supplier
// bills are /v2/bills), so every invoice is InvoiceType::sales.
//
// status: Draft -> draft; Open, Overdue, Scheduled To Email -> authorised; Paid, Overpaid,
// Zero Value, Refunded, Part written-off -> paid; Written-off and anything else (FreeAgent
// does not document what a cancelled invoice reports) -> voided, so it never counts as owed.
// Money: total_value, paid_value, due_value as exact decimals in the invoice's currency.

#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/connector/page.hpp"
#include "core/error/result.hpp"
#include "core/model/invoice.hpp"

namespace capsync::freeagent {

model::InvoiceStatus invoice_status(std::string_view freeagent_status);

// One invoice object. Errc::protocol when url/contact is missing or a field is malformed.
Result<model::Invoice> parse_invoice(const rapidjson::Value& element);
// {"invoices":[…]}.
// An element that cannot be read is described in `unreadable`, not an error.
Result<connector::Decoded<model::Invoice>> parse_invoices(std::string_view body);

}  // namespace capsync::freeagent
