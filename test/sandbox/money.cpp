#include "test/sandbox/money.hpp"

#include <fmt/format.h>

namespace capsync::sandbox {

std::optional<Money> parse_money(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  Money whole = 0, fraction = 0;
  int decimals = -1;
  for (char c : text) {
    if (c == '.') {
      if (decimals >= 0) return std::nullopt;
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (decimals < 0) {
      if (whole > (INT64_MAX / 10 - 9) / kMoneyScale) return std::nullopt;
      whole = whole * 10 + (c - '0');
    } else {
      if (++decimals > 4) return std::nullopt;
      fraction = fraction * 10 + (c - '0');
    }
  }
  for (int d = decimals < 0 ? 0 : decimals; d < 4; ++d) fraction *= 10;
  Money value = whole * kMoneyScale + fraction;
  return negative ? -value : value;
}

std::string format_money(Money value) {
  bool negative = value < 0;
  std::uint64_t magnitude = negative ? static_cast<std::uint64_t>(-(value + 1)) + 1 : static_cast<std::uint64_t>(value);
  std::uint64_t whole = magnitude / kMoneyScale, fraction = magnitude % kMoneyScale;
  std::string digits = fmt::format("{:04d}", fraction);
  while (digits.size() > 2 && digits.back() == '0') digits.pop_back();
  return fmt::format("{}{}.{}", negative ? "-" : "", whole, digits);
}

}  // namespace capsync::sandbox
