#pragma once
// SummaryWrite: exactly what capsync writes onto a linked Capsule party for R6/R7 — four
// custom field values, whether the overdue tag is on, and the invoice note — rendered
// deterministically, so its hash tells whether Capsule needs a write at all (R11).

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/model/invoice.hpp"
#include "core/model/quote.hpp"
#include "core/sync/policy.hpp"
#include "core/sync/summary.hpp"

namespace capsync::sync {

struct SummaryWrite {
  // Field values keyed by the role in config::SummaryFields (the connector maps each role's
  // field name to a Capsule definition id). "" clears the field.
  std::string outstanding;   // "1,240.00 GBP; 300.00 EUR"; "" when nothing is due
  std::string overdue;       // same form; "" when nothing is overdue
  std::string next_due;      // "YYYY-MM-DD" or ""
  std::string last_invoice;  // "YYYY-MM-DD" or ""
  bool overdue_tag = false;  // the policy's overdue tag should be on the party
  std::optional<std::string> note;  // R7 note text; empty when invoice notes are off
  // R18 open quotes per currency, same form as `outstanding`; nullopt when the connection reads
  // no quotes (the field is then left alone).
  std::optional<std::string> open_quotes;

  // Covers the values above and the policy names they are written under (field names, tag),
  // so renaming a field in the config rewrites the summary once.
  std::string hash(const ConnectionPolicy& policy) const;

  friend bool operator==(const SummaryWrite&, const SummaryWrite&) = default;
};

// What capsync writes for a contact's invoices (R6-R9): picks the invoices that count
// (rules.hpp summary_invoices, under the policy's include_supplier_invoices) once, and
// derives the totals, the tag and the note from that one list. Where the policy reads quotes,
// also the open quotes (R18, quote_list.hpp): their total and the note's "Quotes" section.
// Fails only if a total overflows.
Result<SummaryWrite> summary_for_contact(std::span<const model::Invoice> invoices, model::Date today,
                                         const ConnectionPolicy& policy, std::string_view new_invoice_url,
                                         std::span<const model::Quote> quotes = {});

// Renders `summary` of `invoices` (the ones that count, the list summarize was given). The
// note (R7, when the policy wants one) lists the invoices newest first, overdue ones marked,
// each with its link, then `new_invoice_url` (a link that opens a new invoice for this
// contact; may be empty).
SummaryWrite render_summary(const InvoiceSummary& summary, std::span<const model::Invoice> invoices,
                            model::Date today, const ConnectionPolicy& policy,
                            std::string_view new_invoice_url);

// The first line of a policy's R7 note: it names the service and organisation (R28) and tells
// people not to edit it.
std::string invoice_note_heading(const ConnectionPolicy& policy);

// R7 note text on its own, under `heading` (invoice_note_heading of a policy without service
// when none is given).
std::string render_invoice_note(std::span<const model::Invoice> invoices, model::Date today,
                                std::string_view new_invoice_url, std::string_view heading = {});

// Whether a note's text is the R7 invoice note under `heading` (invoice_note_heading), so a
// retried note create finds the one it already made, and never another connection's (R28).
bool is_invoice_note(std::string_view content, std::string_view heading);

// The summary written when a link ends or a connection is disabled (R15, R16): everything
// cleared, tag off, no note.
SummaryWrite cleared_summary();

}  // namespace capsync::sync
