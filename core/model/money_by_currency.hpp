#pragma once
// MoneyByCurrency: totals kept per currency and never added across currencies (R8).

#include <span>
#include <string>
#include <vector>

#include "core/model/money.hpp"

namespace capsync::model {

class MoneyByCurrency {
 public:
  // Adds to the running total of amount's currency. Fails only on overflow.
  Status add(const Money& amount);

  // One entry per currency, sorted by currency code.
  std::span<const Money> entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  // The total in `currency`, zero when there is none.
  Money total(std::string_view currency) const;
  // True when some currency has a total above zero.
  bool any_positive() const;

  // "300.00 EUR; 1,240.00 GBP": non-zero totals side by side in currency order; "" when none.
  std::string to_display() const;

  friend bool operator==(const MoneyByCurrency&, const MoneyByCurrency&) = default;

 private:
  std::vector<Money> entries_;  // sorted by currency, one per currency
};

}  // namespace capsync::model
