#pragma once
// Xero PUT /Invoices and POST /Invoices/{InvoiceID}: create invoices and bills, and move one
// through its life (approve, void, delete, change the due date) the way a bookkeeper would in
// Xero, so tests can change invoices after a sync. Status defaults to DRAFT, as in Xero.

#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/xero_books.hpp"

namespace capsync::sandbox {

Response xero_create_invoices(XeroBooks& books, const Request& request, TimePoint now, std::mt19937_64& rng);
// Helpers of every Xero transaction write (invoices, quotes). Problems are added to `errors`
// in Xero's wording.
std::optional<Money> xero_amount(const rapidjson::Value& object, std::string_view key, Money fallback,
                                 std::vector<std::string>& errors);
std::optional<TimePoint> xero_date(const rapidjson::Value& object, const char* key, std::vector<std::string>& errors);
// LineItems: Quantity x UnitAmount unless LineAmount is given; no tax is computed.
std::vector<XeroLineItem> xero_line_items(const rapidjson::Value& lines, std::vector<std::string>& errors,
                                          std::mt19937_64& rng);
// 400 ValidationException with one element carrying `errors`.
Response xero_validation_response(const std::vector<std::string>& errors);

// PUT /Payments: a payment against an AUTHORISED invoice (PAID once nothing is due).
Response xero_create_payment(XeroBooks& books, const Request& request, TimePoint now);
// Status (DRAFT/SUBMITTED -> AUTHORISED or DELETED, AUTHORISED unpaid -> VOIDED) and DueDate.
Response xero_update_invoice(XeroBooks& books, const Request& request, const std::string& id, TimePoint now,
                             std::mt19937_64& rng);

}  // namespace capsync::sandbox
