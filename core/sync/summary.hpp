#pragma once
// InvoiceSummary: what a linked party's invoices add up to (R6, R8, R9).

#include <optional>
#include <span>

#include "core/model/date_time.hpp"
#include "core/model/invoice.hpp"
#include "core/model/money_by_currency.hpp"

namespace capsync::sync {

// R9: amount due > 0 and due date before `today` (today in the connection's time zone, see
// model::date_in_zone). Asked only of invoices that count (rules.hpp counts_in_summary).
bool is_overdue(const model::Invoice& invoice, model::Date today);

struct InvoiceSummary {
  model::MoneyByCurrency outstanding;  // amount due per currency
  model::MoneyByCurrency overdue;      // amount due of overdue invoices per currency
  // The earliest due date on or after today of an invoice with an amount due: when the next
  // payment falls due. Already overdue invoices are in `overdue`, not here; empty when none.
  std::optional<model::Date> next_due;
  std::optional<model::Date> last_invoice;  // latest issue date
  int open_count = 0;                       // invoices with an amount due
  int overdue_count = 0;

  friend bool operator==(const InvoiceSummary&, const InvoiceSummary&) = default;
};

// Adds up `invoices`: the ones that count (rules.hpp summary_invoices) and nothing else, so
// that the totals, the tag and the note all rest on the same list. Fails only if a total
// overflows.
Result<InvoiceSummary> summarize(std::span<const model::Invoice> invoices, model::Date today);

}  // namespace capsync::sync
