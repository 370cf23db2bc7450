#pragma once
// FreshBooks' accounting date-times have no zone and are US/Eastern wall times
// ("2021-04-16 10:31:58" = 14:31:58Z), and its search[updated_min] filter takes a US/Eastern
// day. Conversions use the IANA tz database (America/New_York), so DST is right both ways.

#include <string_view>

#include "core/error/result.hpp"
#include "core/model/date_time.hpp"

namespace capsync::freshbooks {

// "YYYY-MM-DD HH:MM:SS" as a US/Eastern wall time -> the instant. In the hour repeated when
// DST ends, the earlier instant. Errc::protocol for any other shape.
Result<model::Timestamp> parse_eastern_time(std::string_view text);

// The US/Eastern calendar date at `instant`.
model::Date eastern_date(model::Timestamp instant);

}  // namespace capsync::freshbooks
