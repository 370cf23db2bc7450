#pragma once
// The request limits of one API capsync talks to, kept per (connection, provider). Each
// provider's own come from its registry entry (connectors/registry).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace capsync::ratelimit {

// How an API reports its remaining budget in response headers.
enum class HeaderStyle {
  none,                // only 429 + Retry-After
  min_day_remaining,   // X-MinLimit-Remaining, X-DayLimit-Remaining; 429 with X-Rate-Limit-Problem
  ratelimit_remaining, // X-RateLimit-Limit/Remaining/Reset (epoch seconds)
};

struct Window {
  std::string name;  // "minute", "hour", "day": the persisted key and the status line label
  std::int64_t limit = 0;
  std::chrono::milliseconds length{0};
  bool daily_cap = false;  // exhausting it parks the connection instead of waiting
};

struct Limits {
  std::string provider;  // the provider's config name, the key its budget is saved under
  std::vector<Window> windows;
  int max_concurrent = 0;  // 0 = unbounded
  HeaderStyle headers = HeaderStyle::none;
};

}  // namespace capsync::ratelimit
