#pragma once
// Xero PUT /Invoices and POST /Invoices/{InvoiceID}: create invoices and bills, and move one
// through its life (approve, void, delete, change the due date) the way a bookkeeper would in
// Xero, so tests can change invoices after a sync. Status defaults to DRAFT, as in Xero.

#include <random>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/xero_books.hpp"

namespace capsync::sandbox {

Response xero_create_invoices(XeroBooks& books, const Request& request, TimePoint now, std::mt19937_64& rng);
// PUT /Payments: a payment against an AUTHORISED invoice (PAID once nothing is due).
Response xero_create_payment(XeroBooks& books, const Request& request, TimePoint now);
// Status (DRAFT/SUBMITTED -> AUTHORISED or DELETED, AUTHORISED unpaid -> VOIDED) and DueDate.
Response xero_update_invoice(XeroBooks& books, const Request& request, const std::string& id, TimePoint now,
                             std::mt19937_64& rng);

}  // namespace capsync::sandbox
