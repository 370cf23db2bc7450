#include "core/sync/summary.hpp"

namespace capsync::sync {

bool is_overdue(const model::Invoice& invoice, model::Date today) {
  return invoice.amount_due.is_positive() && invoice.due_date && *invoice.due_date < today;
}

Result<InvoiceSummary> summarize(std::span<const model::Invoice> invoices, model::Date today) {
  InvoiceSummary s;
  for (const auto& invoice : invoices) {
    if (invoice.issue_date && (!s.last_invoice || *invoice.issue_date > *s.last_invoice)) {
      s.last_invoice = invoice.issue_date;
    }
    if (!invoice.amount_due.is_positive()) continue;
    ++s.open_count;
    if (auto st = s.outstanding.add(invoice.amount_due); !st) return st.error();
    if (is_overdue(invoice, today)) {
      ++s.overdue_count;
      if (auto st = s.overdue.add(invoice.amount_due); !st) return st.error();
    } else if (invoice.due_date && (!s.next_due || *invoice.due_date < *s.next_due)) {
      s.next_due = invoice.due_date;
    }
  }
  return s;
}

}  // namespace capsync::sync
