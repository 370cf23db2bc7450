#pragma once
// Xero's date forms -> model dates. Xero writes instants as MS-JSON "/Date(1541176592690+0000)/"
// (milliseconds since the epoch, UTC; the offset, when present, is informational) or without
// an offset "/Date(1439434356790)/", and calendar dates also as DateString "2018-10-20T00:00:00".

#include <string>
#include <string_view>

#include <optional>

#include <rapidjson/document.h>

#include "core/error/result.hpp"
#include "core/model/date_time.hpp"

namespace capsync::xero {

// "/Date(ms[+-hhmm])/" or an ISO 8601 instant. Anything else: Errc::protocol.
Result<model::Timestamp> parse_timestamp(std::string_view text);

// A calendar date from "2018-10-20T00:00:00" / "2018-10-20" or "/Date(ms+0000)/" (the UTC
// date of that instant, which is midnight UTC for Xero dates).
Result<model::Date> parse_date(std::string_view text);

// A record's calendar date: the plain `string_key` form ("DateString") when present, else
// `key` ("/Date(ms)/"); nullopt when neither is there.
Result<std::optional<model::Date>> date_field(const rapidjson::Value& record, std::string_view string_key,
                                              std::string_view key);

// The If-Modified-Since value for a cursor: UTC, whole seconds ("2024-06-21T01:15:39"),
// rounded down so nothing changed in that second is missed.
std::string if_modified_since(model::Timestamp cursor);

}  // namespace capsync::xero
