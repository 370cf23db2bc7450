#include <catch2/catch.hpp>

#include "core/model/date_time.hpp"

using namespace capsync::model;
using namespace std::chrono_literals;

TEST_CASE("Dates parse and format as YYYY-MM-DD", "[model][date]") {
  auto d = parse_date("2024-02-29");
  REQUIRE(d.ok());
  CHECK(format_date(*d) == "2024-02-29");
  CHECK_FALSE(parse_date("2023-02-29").ok());
  CHECK_FALSE(parse_date("2024-2-1").ok());
  CHECK_FALSE(parse_date("2024-02-01T00:00:00").ok());
}

TEST_CASE("Timestamps parse ISO 8601 with and without zones", "[model][date]") {
  auto z = parse_timestamp("2024-06-21T01:15:39.902Z");
  REQUIRE(z.ok());
  CHECK(format_timestamp(*z) == "2024-06-21T01:15:39.902Z");
  CHECK(*parse_timestamp("2024-06-21T01:15:39.9021234") == *z);  // Xero: no zone, 7 digits
  CHECK(*parse_timestamp("2024-06-21T03:15:39.902+02:00") == *z);
  CHECK(*parse_timestamp("2024-06-20T21:15:39.902-0400") == *z);
  CHECK(format_timestamp(*parse_timestamp("2015-09-15T10:43:23Z")) == "2015-09-15T10:43:23.000Z");
  CHECK_FALSE(parse_timestamp("2024-06-21 01:15:39").ok());
  CHECK_FALSE(parse_timestamp("2024-06-21T25:00:00Z").ok());
  CHECK_FALSE(parse_timestamp("2024-06-21T01:15:39Zjunk").ok());
}

TEST_CASE("R9 the calendar date depends on the connection's time zone", "[model][date]") {
  // 2024-03-10 20:00 UTC is already 11 March in Auckland and still 10 March in Los Angeles.
  const auto now = *parse_timestamp("2024-03-10T20:00:00Z");
  CHECK(format_date(*date_in_zone(now, "Pacific/Auckland")) == "2024-03-11");
  CHECK(format_date(*date_in_zone(now, "America/Los_Angeles")) == "2024-03-10");
  CHECK(format_date(*date_in_zone(now, "UTC")) == "2024-03-10");
  CHECK_FALSE(date_in_zone(now, "Mars/Olympus").ok());
}
