#include "core/sync/summary_write.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "core/sync/quote_list.hpp"
#include "core/sync/rules.hpp"
#include "core/sync/stable_hash.hpp"
#include "core/sync/newest_first.hpp"

namespace capsync::sync {

namespace {

// Tells people not to edit the note, and marks it as capsync's.
constexpr std::string_view kNoteKeeper = "(kept up to date by capsync; edits here are overwritten)";

std::string date_or_empty(const std::optional<model::Date>& d) {
  return d ? model::format_date(*d) : std::string();
}


}  // namespace

std::string invoice_note_heading(const ConnectionPolicy& policy) {
  if (policy.service.empty()) return fmt::format("Invoices {}", kNoteKeeper);
  if (policy.organisation.empty()) return fmt::format("Invoices in {} {}", policy.service, kNoteKeeper);
  return fmt::format("Invoices in {}, {} {}", policy.service, policy.organisation, kNoteKeeper);
}

bool is_invoice_note(std::string_view content, std::string_view heading) {
  return content.starts_with(heading) && content.substr(heading.size()).starts_with('\n');
}

std::string render_invoice_note(std::span<const model::Invoice> invoices, model::Date today,
                                std::string_view new_invoice_url, std::string_view heading) {
  std::vector<model::Invoice> sorted(invoices.begin(), invoices.end());
  std::sort(sorted.begin(), sorted.end(), newer<model::Invoice>);
  std::string out = (heading.empty() ? invoice_note_heading(ConnectionPolicy{}) : std::string(heading)) + "\n";
  if (sorted.empty()) out += "No invoices.\n";
  for (const auto& inv : sorted) {
    const bool overdue = is_overdue(inv, today);
    out += fmt::format("{}{} {}: {} {} total, {} due", overdue ? "OVERDUE " : "",
                       inv.type == model::InvoiceType::purchase ? "Bill" : "Invoice",
                       inv.number.empty() ? inv.remote_id : inv.number, inv.total.to_display(),
                       inv.currency, inv.amount_due.to_display());
    if (inv.issue_date) out += fmt::format(", issued {}", model::format_date(*inv.issue_date));
    if (inv.due_date) out += fmt::format(", due by {}", model::format_date(*inv.due_date));
    out += fmt::format(" ({})", model::display_name(inv.status));
    if (!inv.url.empty()) out += fmt::format(" {}", inv.url);
    out += '\n';
  }
  if (!new_invoice_url.empty()) out += fmt::format("New invoice for this contact: {}\n", new_invoice_url);
  return out;
}

SummaryWrite render_summary(const InvoiceSummary& summary, std::span<const model::Invoice> invoices,
                            model::Date today, const ConnectionPolicy& policy,
                            std::string_view new_invoice_url) {
  SummaryWrite w;
  w.outstanding = summary.outstanding.to_display();
  w.overdue = summary.overdue.to_display();
  w.next_due = date_or_empty(summary.next_due);
  w.last_invoice = date_or_empty(summary.last_invoice);
  w.overdue_tag = summary.overdue.any_positive();
  if (policy.invoice_note) w.note = render_invoice_note(invoices, today, new_invoice_url, invoice_note_heading(policy));
  return w;
}

Result<SummaryWrite> summary_for_contact(std::span<const model::Invoice> invoices, model::Date today,
                                         const ConnectionPolicy& policy, std::string_view new_invoice_url,
                                         std::span<const model::Quote> quotes) {
  const auto counted = summary_invoices(invoices, policy.include_supplier_invoices);
  auto summary = summarize(counted, today);
  if (!summary) return summary.error();
  auto write = render_summary(*summary, counted, today, policy, new_invoice_url);
  if (!policy.quotes_read) return write;
  auto open = open_quotes(quotes, today);
  if (!open) return open.error();
  write.open_quotes = open->total.to_display();
  if (write.note) *write.note += "\n" + render_quote_section(*open);
  return write;
}

SummaryWrite cleared_summary() { return SummaryWrite{}; }

std::string SummaryWrite::hash(const ConnectionPolicy& policy) const {
  const auto& f = policy.summary_fields;
  StableHash h;
  h.add("summary-v1")
      .add(f.outstanding).add(outstanding)
      .add(f.overdue).add(overdue)
      .add(f.next_due).add(next_due)
      .add(f.last_invoice).add(last_invoice)
      .add(policy.overdue_tag).add(overdue_tag)
      .add(note.has_value()).add(note.value_or(""));
  // Only where quotes are read, so the summaries of every other connection keep their hash.
  if (open_quotes) h.add("open-quotes").add(f.open_quotes).add(*open_quotes);
  return h.hex();
}

}  // namespace capsync::sync
