#pragma once
// Calendar dates and instants in the neutral model, with their text forms. One parser reads
// every provider's ISO 8601-style date-times; connectors only say which style they write
// (Xero's "/Date(ms+0000)/" is not ISO and stays in its connector).

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

// How a provider writes date-times: the character between date and time ('T' or ' '), and
// the IANA zone of a time written without an offset ("" = UTC).
struct TimestampStyle {
  char separator = 'T';
  std::string_view zone;
};

// ISO 8601 instant: "2024-06-21T01:15:39Z", "...39.902Z", "...39+02:00", "...39+0200",
// "...39.9021234" (no zone = UTC, as Xero writes some UTC fields); fractions beyond
// milliseconds are truncated, a leap second (":60") is the instant after ":59". With
// `style` {' ', "Europe/London"}: "2013-02-05 12:00:00 +05:30" (a space may precede the
// offset) or "2013-02-05 12:00:00" as London wall time; in a repeated hour the earlier
// instant, in a skipped hour the moment it ends. Anything else is Errc::invalid_argument.
Result<Timestamp> parse_timestamp(std::string_view text, const TimestampStyle& style = {});
// "2024-06-21T01:15:39.902Z" (always UTC, always milliseconds).
std::string format_timestamp(Timestamp value);

// The calendar date at `now` in the IANA zone `time_zone` (R9: "today in the connection's
// time zone"). Unknown zone is Errc::invalid_argument.
Result<Date> date_in_zone(Timestamp now, std::string_view time_zone);

}  // namespace capsync::model
