#pragma once
// Per-provider rules: which accounting contacts qualify for linking (R3) and which invoices
// the summary shows (R6).

#include <span>
#include <vector>

#include "core/config/provider.hpp"
#include "core/model/contact.hpp"
#include "core/model/invoice.hpp"

namespace capsync::sync {

// R3: an invoice that makes a Xero contact qualify: any type (sales or bill), status not
// draft, voided or deleted.
bool counts_for_qualification(const model::Invoice& invoice);

// R3: whether `contact` is linked/imported. Archived or deleted contacts never qualify.
// Xero: at least one invoice of this contact counts_for_qualification (`invoices` may hold
// other contacts' invoices; they are ignored). Other providers: every customer and every
// supplier qualifies, invoices or not.
bool qualifies(const model::Contact& contact, std::span<const model::Invoice> invoices,
               config::Provider provider);

// R6: whether an invoice is part of a party's invoice history and summary: drafts, voided
// and deleted invoices are not; bills only with include_supplier_invoices.
bool shown_in_summary(const model::Invoice& invoice, bool include_supplier_invoices);

// The invoices shown_in_summary, in input order.
std::vector<model::Invoice> summary_invoices(std::span<const model::Invoice> invoices,
                                             bool include_supplier_invoices);

}  // namespace capsync::sync
