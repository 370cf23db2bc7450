#pragma once
// Calendar dates and instants in the neutral model, with ISO 8601 text forms. Connectors
// convert provider formats (Xero "/Date(ms+0000)/", FreshBooks US/Eastern wall times) into these.

#include <chrono>
#include <string>
#include <string_view>

#include <date/date.h>

#include "core/error/result.hpp"

namespace capsync::model {

using Date = date::year_month_day;
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// "2024-06-21" only; anything else (or an impossible date) is Errc::invalid_argument.
Result<Date> parse_date(std::string_view text);
std::string format_date(Date value);

// ISO 8601 instant: "2024-06-21T01:15:39Z", "...39.902Z", "...39+02:00", "...39.9021234"
// (no zone = UTC, as Xero writes some UTC fields). Fractions beyond milliseconds are truncated.
Result<Timestamp> parse_timestamp(std::string_view text);
// "2024-06-21T01:15:39.902Z" (always UTC, always milliseconds).
std::string format_timestamp(Timestamp value);

// The calendar date at `now` in the IANA zone `time_zone` (R9: "today in the connection's
// time zone"). Unknown zone is Errc::invalid_argument.
Result<Date> date_in_zone(Timestamp now, std::string_view time_zone);

}  // namespace capsync::model
