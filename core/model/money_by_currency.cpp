#include "core/model/money_by_currency.hpp"

#include <algorithm>

namespace capsync::model {

Status MoneyByCurrency::add(const Money& amount) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), amount.currency(),
                             [](const Money& m, const std::string& c) { return m.currency() < c; });
  if (it == entries_.end() || it->currency() != amount.currency()) {
    entries_.insert(it, amount);
    return {};
  }
  auto sum = it->add(amount);
  if (!sum) return sum.error();
  *it = std::move(*sum);
  return {};
}

Money MoneyByCurrency::total(std::string_view currency) const {
  for (const auto& m : entries_) {
    if (m.currency() == currency) return m;
  }
  return Money::zero(std::string(currency));
}

bool MoneyByCurrency::any_positive() const {
  return std::any_of(entries_.begin(), entries_.end(), [](const Money& m) { return m.is_positive(); });
}

std::string MoneyByCurrency::to_display() const {
  std::string out;
  for (const auto& m : entries_) {
    if (m.is_zero()) continue;
    if (!out.empty()) out += "; ";
    out += m.to_display_with_currency();
  }
  return out;
}

}  // namespace capsync::model
