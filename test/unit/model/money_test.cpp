#include <catch2/catch.hpp>

#include "core/model/money.hpp"
#include "core/model/money_by_currency.hpp"
#include "core/model/money_minor_units.hpp"

using capsync::model::Money;
using capsync::model::MoneyByCurrency;

TEST_CASE("R8 money parses decimal strings exactly and formats them back", "[model][money]") {
  struct Case {
    const char* in;
    std::int64_t units;
    const char* out;
  };
  const Case cases[] = {
      {"46.00", 460000, "46.00"},     {"-3.5", -35000, "-3.50"},   {"1240", 12400000, "1240.00"},
      {"0.0001", 1, "0.0001"},        {"12.3456", 123456, "12.3456"}, {"+7", 70000, "7.00"},
      {".5", 5000, "0.50"},           {"5.", 50000, "5.00"},        {"-0.01", -100, "-0.01"},
      {"922337203685477.5807", INT64_MAX, "922337203685477.5807"},
      {"-922337203685477.5808", INT64_MIN, "-922337203685477.5808"},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    auto m = Money::parse(c.in, "gbp");
    REQUIRE(m.ok());
    CHECK(m->units() == c.units);
    CHECK(m->currency() == "GBP");
    CHECK(m->to_string() == c.out);
    auto again = Money::parse(m->to_string(), m->currency());
    REQUIRE(again.ok());
    CHECK(*again == *m);
  }
}

TEST_CASE("R8 money refuses exponents, excess precision and junk", "[model][money]") {
  for (const char* bad : {"1e2", "1E2", "4.6e1", "", "-", ".", "1.23456", "1,000.00", "12a",
                          "NaN", "inf", " 1", "1 ", "922337203685477.5808", "0x10"}) {
    INFO(bad);
    auto m = Money::parse(bad, "GBP");
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().code() == capsync::Errc::invalid_argument);
  }
  auto e = Money::parse("1e2", "GBP");
  CHECK_THAT(e.error().message(), Catch::Contains("exponent"));
  CHECK_FALSE(Money::parse("1.00", "GB").ok());
  CHECK_FALSE(Money::parse("1.00", "G1P").ok());
}

TEST_CASE("R8 money adds only within one currency", "[model][money]") {
  auto gbp = *Money::parse("1000.10", "GBP");
  auto gbp2 = *Money::parse("239.90", "GBP");
  auto eur = *Money::parse("300", "EUR");
  auto sum = gbp.add(gbp2);
  REQUIRE(sum.ok());
  CHECK(sum->to_string() == "1240.00");
  CHECK(sum->to_display_with_currency() == "1,240.00 GBP");
  auto diff = gbp.subtract(gbp2);
  REQUIRE(diff.ok());
  CHECK(diff->to_string() == "760.20");
  auto mixed = gbp.add(eur);
  REQUIRE_FALSE(mixed.ok());
  CHECK_THAT(mixed.error().message(), Catch::Contains("different currencies"));
  CHECK_FALSE(gbp.subtract(eur).ok());
  CHECK_FALSE(Money(INT64_MAX, "GBP").add(Money(1, "GBP")).ok());
}

TEST_CASE("R8 money display groups thousands", "[model][money]") {
  CHECK(Money::parse("1234567.5", "USD")->to_display() == "1,234,567.50");
  CHECK(Money::parse("-1234.5", "USD")->to_display() == "-1,234.50");
  CHECK(Money::parse("0", "USD")->to_display() == "0.00");
}

TEST_CASE("R8 amounts are shown with their currency's ISO 4217 minor units", "[model][money]") {
  CHECK(Money::parse("12345678", "JPY")->to_display_with_currency() == "12,345,678 JPY");
  CHECK(Money::parse("12345678.00", "JPY")->to_display() == "12,345,678");
  CHECK(Money::parse("1234.5", "KWD")->to_display_with_currency() == "1,234.500 KWD");
  CHECK(Money::parse("0.125", "BHD")->to_display() == "0.125");
  CHECK(Money::parse("1240", "GBP")->to_display_with_currency() == "1,240.00 GBP");
  CHECK(Money::parse("7.5", "CLF")->to_display() == "7.5000");  // one of the two 4-decimal codes
  CHECK(Money::parse("-1234.5", "KWD")->to_display() == "-1,234.500");
  CHECK(Money::parse("-50000", "JPY")->to_display() == "-50,000");
  // A code ISO 4217 does not list (or lists without minor units, like XAU) shows 2 decimals.
  CHECK(Money::parse("1234.5", "QQQ")->to_display_with_currency() == "1,234.50 QQQ");
  CHECK(Money::parse("3", "XAU")->to_display() == "3.00");
  CHECK(Money(120000, "").to_display() == "12.00");
}

TEST_CASE("R8 ISO 4217 minor units: exceptions to 2 decimals, unknown codes", "[model][money]") {
  using capsync::model::minor_units;
  for (const char* zero : {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
                           "VND", "VUV", "XAF", "XOF", "XPF"})
    CHECK(minor_units(zero) == 0);
  for (const char* three : {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}) CHECK(minor_units(three) == 3);
  for (const char* four : {"CLF", "UYW"}) CHECK(minor_units(four) == 4);
  for (const char* two : {"GBP", "USD", "EUR", "CHF", "XCG", "ZWG", "QQQ", "XXX", ""})
    CHECK(minor_units(two) == 2);
}

TEST_CASE("R8 more decimals than the currency has are rounded half away from zero for display",
          "[model][money]") {
  // Totals are summed exactly; only the shown figure is rounded, once.
  CHECK(Money::parse("999.995", "USD")->to_display() == "1,000.00");
  CHECK(Money::parse("999.9949", "USD")->to_display() == "999.99");
  CHECK(Money::parse("-0.005", "GBP")->to_display() == "-0.01");
  CHECK(Money::parse("-0.0049", "GBP")->to_display() == "0.00");  // no "-0.00"
  CHECK(Money::parse("100.5", "JPY")->to_display() == "101");
  CHECK(Money::parse("-100.5", "JPY")->to_display() == "-101");
  CHECK(Money::parse("100.4999", "JPY")->to_display() == "100");
  CHECK(Money::parse("1.0005", "KWD")->to_display() == "1.001");
  CHECK(Money(INT64_MAX, "JPY").to_display() == "922,337,203,685,478");
  CHECK(Money(INT64_MIN, "JPY").to_display() == "-922,337,203,685,478");
  CHECK(Money(INT64_MAX, "USD").to_display() == "922,337,203,685,477.58");
  // The exact value is untouched: stored and compared amounts keep every decimal.
  CHECK(Money::parse("999.995", "USD")->to_string() == "999.995");
}

TEST_CASE("R8 totals in different currencies are kept side by side", "[model][money]") {
  MoneyByCurrency totals;
  REQUIRE(totals.add(*Money::parse("1000", "GBP")).ok());
  REQUIRE(totals.add(*Money::parse("300", "EUR")).ok());
  REQUIRE(totals.add(*Money::parse("240", "GBP")).ok());
  REQUIRE(totals.add(*Money::parse("0", "USD")).ok());
  REQUIRE(totals.entries().size() == 3);
  CHECK(totals.entries()[0].currency() == "EUR");
  CHECK(totals.total("GBP").to_string() == "1240.00");
  CHECK(totals.total("NZD").is_zero());
  CHECK(totals.to_display() == "300.00 EUR; 1,240.00 GBP");  // zero USD left out
  REQUIRE(totals.add(*Money::parse("5000", "JPY")).ok());
  CHECK(totals.to_display() == "300.00 EUR; 1,240.00 GBP; 5,000 JPY");
  CHECK(totals.any_positive());
  CHECK(MoneyByCurrency{}.to_display().empty());
}
