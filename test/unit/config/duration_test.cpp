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
