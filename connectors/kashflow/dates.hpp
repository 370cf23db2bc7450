#pragma once
// KashFlow REST date-times: "2013-02-05 12:00:00 +05:30" (kashflow.com REST examples). The
// offset may be missing (CappyTech's client parses both): such a time is read as UK wall time,
// Europe/London, KashFlow being a UK service (an assumption; nothing documents the zone).

#include <string_view>

#include "core/error/result.hpp"
#include "core/model/date_time.hpp"

namespace capsync::kashflow {

// Also accepts ISO 8601 ("2013-02-05T12:00:00Z"). Anything else is Errc::protocol.
Result<model::Timestamp> parse_time(std::string_view text);
// The calendar date as KashFlow wrote it (the wall date, before any offset is applied).
Result<model::Date> parse_day(std::string_view text);

}  // namespace capsync::kashflow
