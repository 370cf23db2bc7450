#include "core/config/duration.hpp"

#include <catch2/catch.hpp>

using capsync::config::format_duration;
using capsync::config::parse_duration;
using namespace std::chrono_literals;

TEST_CASE("parse_duration accepts one unit or several, largest first", "[config][duration]") {
  CHECK(parse_duration("90s").value() == 90s);
  CHECK(parse_duration("15m").value() == 15min);
  CHECK(parse_duration("2h").value() == 2h);
  CHECK(parse_duration("1d").value() == 24h);
  CHECK(parse_duration("1h30m").value() == 90min);
  CHECK(parse_duration("1d2h3m4s").value() == 24h + 2h + 3min + 4s);
  CHECK(parse_duration("0s").value() == 0s);
  CHECK(parse_duration("007m").value() == 7min);
}

TEST_CASE("parse_duration refuses anything else and says why", "[config][duration]") {
  const auto message = [](std::string_view text) {
    auto r = parse_duration(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == capsync::Errc::invalid_argument);
    return r.error().message();
  };
  CHECK_THAT(message("90"), Catch::StartsWith("missing unit (use a number and a unit s, m, h or d"));
  CHECK_THAT(message(""), Catch::StartsWith("empty duration"));
  CHECK_THAT(message("2w"), Catch::StartsWith("unknown unit"));
  CHECK_THAT(message("1.5h"), Catch::StartsWith("unknown unit"));
  CHECK_THAT(message("h"), Catch::StartsWith("expected a number"));
  CHECK_THAT(message("-5m"), Catch::StartsWith("negative duration"));
  CHECK_THAT(message("2 h"), Catch::StartsWith("unknown unit"));
  CHECK_THAT(message(" 2h"), Catch::StartsWith("expected a number"));
  CHECK_THAT(message("30m1h"), Catch::StartsWith("units must appear once each, largest first"));
  CHECK_THAT(message("1h1h"), Catch::StartsWith("units must appear once each, largest first"));
  CHECK_THAT(message("2H"), Catch::StartsWith("unknown unit"));
  CHECK_THAT(message("99999999999999999999s"), Catch::StartsWith("duration too large"));
  CHECK_THAT(message("999999999999999d"), Catch::StartsWith("duration too large"));
  // Fits the seconds count but not steady_clock's nanoseconds, which the daemon's timers use.
  CHECK_THAT(message("106752d"), Catch::StartsWith("duration too large"));
  CHECK_THAT(message("106751d23h59m59s"), Catch::StartsWith("duration too large"));
  CHECK_THAT(message("10000000000000d"), Catch::StartsWith("duration too large"));
}

TEST_CASE("parse_duration accepts up to what steady_clock holds", "[config][duration]") {
  REQUIRE(parse_duration("106751d").ok());
  CHECK(*parse_duration("106751d") == std::chrono::days(106751));
  // Converting the longest accepted duration to the clock's nanoseconds does not wrap.
  const auto ns = std::chrono::duration_cast<std::chrono::steady_clock::duration>(*parse_duration("106751d"));
  CHECK(ns.count() > 0);
}

TEST_CASE("format_duration gives the shortest form that parses back", "[config][duration]") {
  CHECK(format_duration(90min) == "1h30m");
  CHECK(format_duration(24h * 7) == "7d");
  CHECK(format_duration(0s) == "0s");
  CHECK(format_duration(61s) == "1m1s");
  for (auto value : {1s, 59s, 3600s, 86461s, 90061s}) {
    CHECK(parse_duration(format_duration(value)).value() == value);
  }
}
