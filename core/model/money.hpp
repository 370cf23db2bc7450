#pragma once
// Money: an exact decimal amount in one currency (R8). Never a floating-point number.
// Amounts are held as integer units of 1/10,000 (4 decimal places: Xero unit amounts have up
// to 4dp, invoice totals 2dp), which covers every supported provider exactly.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error/result.hpp"

namespace capsync::model {

class Money {
 public:
  static constexpr int kScale = 4;                  // decimal places held exactly
  static constexpr std::int64_t kUnitsPerWhole = 10'000;

  Money() = default;  // 0 in no currency; only useful as a placeholder
  // `units` are 1/10,000 of the currency's major unit.
  Money(std::int64_t units, std::string currency) : units_(units), currency_(std::move(currency)) {}

  // Parses a decimal string as JSON raw text or a provider gives it: "46.00", "-3.5", "+7",
  // "1240". Refuses exponents ("1e2"), more than 4 decimal places, empty or stray characters,
  // and values that do not fit. `currency` must be three ASCII letters (ISO 4217); it is
  // upper-cased. Errors are Errc::invalid_argument with the offending text.
  static Result<Money> parse(std::string_view amount, std::string_view currency);
  // Parses only the amount part, giving units of 1/10,000.
  static Result<std::int64_t> parse_units(std::string_view amount);

  static Money zero(std::string currency) { return Money(0, std::move(currency)); }

  std::int64_t units() const { return units_; }
  const std::string& currency() const { return currency_; }
  bool is_zero() const { return units_ == 0; }
  bool is_positive() const { return units_ > 0; }

  // Same currency only; a different currency or an overflow is Errc::invalid_argument.
  Result<Money> add(const Money& other) const;
  Result<Money> subtract(const Money& other) const;

  // The plain decimal, at least 2 decimal places, more only when they are not zero:
  // 1240 -> "1240.00", 12.3456 -> "12.3456", -3.5 -> "-3.50". parse(to_string()) round-trips.
  std::string to_string() const;
  // For people (R8): thousands separated, with the currency's ISO 4217 minor units:
  // "1,240.00" (GBP), "12,345,678" (JPY), "1.500" (KWD). A value with more decimals than the
  // currency has is rounded half away from zero ("0.005" GBP -> "0.01"); only the text is
  // rounded, the amount stays exact.
  std::string to_display() const;
  // "1,240.00 GBP", "12,345,678 JPY".
  std::string to_display_with_currency() const;

  friend bool operator==(const Money&, const Money&) = default;

 private:
  std::int64_t units_ = 0;
  std::string currency_;
};

// Checks an ISO 4217 code shape (three ASCII letters) and upper-cases it.
Result<std::string> normalize_currency(std::string_view code);

}  // namespace capsync::model
