#pragma once
// Timestamp spellings used by the fake providers.

#include <optional>
#include <string>
#include <string_view>

#include "test/sandbox/sandbox_clock.hpp"

namespace capsync::sandbox {

// "2026-11-23T10:00:00Z" (Capsule, second precision).
std::string iso_seconds(TimePoint t);
// "/Date(1541176592690+0000)/" (Xero record dates).
std::string ms_date(TimePoint t);
// "/Date(1541176592690)/" (Xero envelope DateTimeUTC).
std::string ms_date_no_zone(TimePoint t);
// "2018-10-20T00:00:00" (Xero DateString).
std::string xero_date_string(TimePoint t);
// "03/03/2020 09:46:07" (Xero TokenExpired detail).
std::string xero_us_datetime(TimePoint t);
// "2019-12-07T18:46:19.5165400" (Xero connections).
std::string xero_connection_time(TimePoint t);
// "Sun, 06 Nov 1994 08:49:37 GMT" (the HTTP Date header, RFC 7231 IMF-fixdate).
std::string http_date(TimePoint t);

// Accepts ISO 8601 ("2026-11-23T10:00:00Z", "...+01:00", "2026-11-23T10:00:00", "2026-11-23"),
// RFC 7231 dates ("Sun, 06 Nov 1994 08:49:37 GMT") and "/Date(ms[+zone])/".
std::optional<TimePoint> parse_time(std::string_view text);

TimePoint floor_seconds(TimePoint t);
TimePoint floor_day(TimePoint t);

}  // namespace capsync::sandbox
