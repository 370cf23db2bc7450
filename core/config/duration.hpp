#pragma once
// Durations as operators write them in capsync.yaml: "90s", "15m", "2h", "1d", "1h30m".

#include <chrono>
#include <string>
#include <string_view>

#include "core/error/result.hpp"

namespace capsync::config {

// Parses one or more <digits><unit> parts, units d, h, m, s, each at most once and largest
// first ("1h30m", not "30m1h"). Zero is accepted ("0s"); callers that need a positive
// duration check it themselves. A duration longer than steady_clock can hold (about 292
// years) is "duration too large". Fails with Errc::invalid_argument and a message that says
// what is wrong and what is accepted.
Result<std::chrono::seconds> parse_duration(std::string_view text);

// The shortest spelling parse_duration accepts back: 5400s -> "1h30m", 0s -> "0s".
std::string format_duration(std::chrono::seconds value);

}  // namespace capsync::config
