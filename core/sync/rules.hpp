#pragma once
// Per-provider rules: which accounting contacts qualify for linking (R3) and which invoices
// count in the summary (R6).

#include <span>
#include <vector>

#include "core/model/contact.hpp"
#include "core/model/invoice.hpp"

namespace capsync::sync {

// R3: an invoice that makes a contact qualify where invoices decide: any type (sales or bill),
// status not draft, voided or deleted.
bool counts_for_qualification(const model::Invoice& invoice);

// R3: whether `contact` is linked/imported. Archived or deleted contacts never qualify.
// `by_invoices` (a provider whose contacts carry no customer flag, such as Xero): at least one
// invoice of this contact counts_for_qualification (`invoices` may hold other contacts'
// invoices; they are ignored). Otherwise every customer and every supplier qualifies.
bool qualifies(const model::Contact& contact, std::span<const model::Invoice> invoices, bool by_invoices);

// R6, the one definition of which invoices count: it alone decides what the totals, the
// overdue tag and the invoice note show, so an invoice is never in one and not the others.
// An invoice counts when it has been issued to the customer: authorised (awaiting payment) or
// paid — each connector maps its provider's statuses onto these (Xero AUTHORISED/PAID,
// FreshBooks sent/viewed/partial/paid, Sage UNPAID/PART_PAID/PAID, ...). Drafts, invoices
// awaiting approval (Xero SUBMITTED), voided and deleted ones never count; supplier bills
// only with include_supplier_invoices.
bool counts_in_summary(const model::Invoice& invoice, bool include_supplier_invoices);

// The invoices that counts_in_summary keeps, in input order.
std::vector<model::Invoice> summary_invoices(std::span<const model::Invoice> invoices,
                                             bool include_supplier_invoices);

}  // namespace capsync::sync
