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

TEST_CASE("ISO 8601 timestamps: the edge cases providers and the store rely on", "[model][date]") {
  auto iso = [](const char* text) { return format_timestamp(parse_timestamp(text).value()); };
  CHECK(iso("2024-06-21T01:15:39.9Z") == "2024-06-21T01:15:39.900Z");       // one fraction digit
  CHECK(iso("2024-06-21T01:15:39.99999Z") == "2024-06-21T01:15:39.999Z");   // truncated, not rounded
  CHECK(iso("2024-06-21T01:15:39+0530") == "2024-06-20T19:45:39.000Z");     // offset without colon
  CHECK(iso("2024-06-21T01:15:39-00:00") == "2024-06-21T01:15:39.000Z");
  CHECK(iso("2024-06-21T01:15:39+23:59") == "2024-06-20T01:16:39.000Z");
  CHECK(iso("2016-12-31T23:59:60Z") == "2017-01-01T00:00:00.000Z");        // leap second: the next instant
  CHECK(iso("2024-02-29T00:00:00") == "2024-02-29T00:00:00.000Z");          // no zone: UTC
  CHECK(iso("1969-12-31T23:59:59Z") == "1969-12-31T23:59:59.000Z");
  for (const char* bad : {"2024-06-21T01:15:39.Z", "2024-06-21T01:15:39+24:00", "2024-06-21T01:15:39+05:60",
                          "2024-06-21T01:15:39+5:30", "2024-06-21T01:15:39+05", "2024-02-30T00:00:00Z",
                          "2024-06-21T01:15Z", "2024-06-21t01:15:39Z", "2024-06-21T01:15:39z",
                          "2024-06-21T24:00:00Z", "2024-06-21T01:60:00Z", "2024-06-21T01:15:61Z",
                          "2024-06-21T-1:15:39Z", "2024-13-01T00:00:00Z", "24-06-21T01:15:39Z",
                          "2024-06-21T01:15:39 +02:00", "", "2024-06-21"}) {
    INFO(bad);
    CHECK_FALSE(parse_timestamp(bad).ok());
  }
}

TEST_CASE("Dates: only YYYY-MM-DD with a real day", "[model][date]") {
  CHECK(format_date(parse_date("0001-01-01").value()) == "0001-01-01");
  CHECK(format_date(parse_date("2000-02-29").value()) == "2000-02-29");
  for (const char* bad : {"1900-02-29", "2024-04-31", "2024-00-10", "2024-01-00", "2024-01-1", "2024/01/01",
                          " 2024-01-01", "2024-01-01 ", "", "+024-01-01"}) {
    INFO(bad);
    CHECK_FALSE(parse_date(bad).ok());
  }
}
