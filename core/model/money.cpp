#include "core/model/money.hpp"

#include "core/model/money_minor_units.hpp"

#include <limits>

namespace capsync::model {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Thousands separators for the integral digits of a plain decimal string.
std::string group_thousands(std::string_view digits) {
  std::string out;
  const auto n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

Result<std::string> normalize_currency(std::string_view code) {
  if (code.size() != 3) {
    return make_error(Errc::invalid_argument, "currency code '{}' is not three letters", code);
  }
  std::string out;
  for (char c : code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') {
      return make_error(Errc::invalid_argument, "currency code '{}' is not three letters", code);
    }
    out.push_back(c);
  }
  return out;
}

Result<std::int64_t> Money::parse_units(std::string_view text) {
  auto fail = [&](std::string_view why) {
    return make_error(Errc::invalid_argument, "amount '{}' {}", text, why);
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return fail("is not a decimal number");
  // The magnitude is accumulated as a negative number so INT64_MIN units stay representable.
  std::int64_t acc = 0;
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  auto push_digit = [&](char c) {
    const int d = c - '0';
    if (acc < min / 10 || acc * 10 < min + d) return false;
    acc = acc * 10 - d;
    return true;
  };
  std::size_t i = 0;
  std::size_t int_digits = 0;
  for (; i < s.size() && is_digit(s[i]); ++i, ++int_digits) {
    if (!push_digit(s[i])) return fail("does not fit");
  }
  int frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; i < s.size() && is_digit(s[i]); ++i, ++frac_digits) {
      if (frac_digits == kScale) return fail("has more than 4 decimal places");
      if (!push_digit(s[i])) return fail("does not fit");
    }
    if (int_digits == 0 && frac_digits == 0) return fail("is not a decimal number");
  } else if (int_digits == 0) {
    return fail("is not a decimal number");
  }
  if (i < s.size()) {
    if (s[i] == 'e' || s[i] == 'E') return fail("uses an exponent; give a plain decimal");
    return fail("is not a decimal number");
  }
  for (; frac_digits < kScale; ++frac_digits) {
    if (!push_digit('0')) return fail("does not fit");
  }
  if (negative) return acc;
  if (acc == min) return fail("does not fit");
  return -acc;
}

Result<Money> Money::parse(std::string_view amount, std::string_view currency) {
  auto code = normalize_currency(currency);
  if (!code) return code.error();
  auto units = parse_units(amount);
  if (!units) return units.error();
  return Money(*units, std::move(*code));
}

Result<Money> Money::add(const Money& other) const {
  if (currency_ != other.currency_) {
    return make_error(Errc::invalid_argument, "cannot add {} to {}: different currencies",
                      other.currency_, currency_);
  }
  std::int64_t sum = 0;
  if (__builtin_add_overflow(units_, other.units_, &sum)) {
    return make_error(Errc::invalid_argument, "sum of {} amounts does not fit", currency_);
  }
  return Money(sum, currency_);
}

Result<Money> Money::subtract(const Money& other) const {
  if (currency_ != other.currency_) {
    return make_error(Errc::invalid_argument, "cannot subtract {} from {}: different currencies",
                      other.currency_, currency_);
  }
  std::int64_t diff = 0;
  if (__builtin_sub_overflow(units_, other.units_, &diff)) {
    return make_error(Errc::invalid_argument, "difference of {} amounts does not fit", currency_);
  }
  return Money(diff, currency_);
}

std::string Money::to_string() const {
  // Work on the unsigned magnitude so INT64_MIN formats too.
  const bool negative = units_ < 0;
  const std::uint64_t mag = negative ? 0 - static_cast<std::uint64_t>(units_) : static_cast<std::uint64_t>(units_);
  const std::uint64_t whole = mag / kUnitsPerWhole;
  std::uint64_t frac = mag % kUnitsPerWhole;
  std::string frac_text = fmt::format("{:04}", frac);
  while (frac_text.size() > 2 && frac_text.back() == '0') frac_text.pop_back();
  return fmt::format("{}{}.{}", negative ? "-" : "", whole, frac_text);
}

std::string Money::to_display() const {
  const int decimals = minor_units(currency_);
  std::uint64_t step = 1;  // held units per shown minor unit
  for (int i = decimals; i < kScale; ++i) step *= 10;
  std::uint64_t per_whole = 1;
  for (int i = 0; i < decimals; ++i) per_whole *= 10;
  // Round the unsigned magnitude half away from zero, so INT64_MIN works and -x shows as -(x).
  const bool negative = units_ < 0;
  const std::uint64_t mag = negative ? 0 - static_cast<std::uint64_t>(units_) : static_cast<std::uint64_t>(units_);
  std::uint64_t shown = mag / step;
  if (step > 1 && mag % step >= step / 2) ++shown;
  std::string out = negative && shown != 0 ? "-" : "";
  out += group_thousands(fmt::format("{}", shown / per_whole));
  if (decimals > 0) out += fmt::format(".{:0{}}", shown % per_whole, decimals);
  return out;
}

std::string Money::to_display_with_currency() const {
  return fmt::format("{} {}", to_display(), currency_);
}

}  // namespace capsync::model
