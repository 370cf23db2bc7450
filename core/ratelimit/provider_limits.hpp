#pragma once
// The documented request limits of each API capsync talks to, per (connection, provider).

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace capsync::ratelimit {

// How an API reports its remaining budget in response headers.
enum class HeaderStyle {
  none,     // FreeAgent, Sage, FreshBooks, KashFlow: only 429 + Retry-After
  xero,     // X-MinLimit-Remaining, X-DayLimit-Remaining; 429 with X-Rate-Limit-Problem
  capsule,  // X-RateLimit-Limit/Remaining/Reset (epoch seconds)
};

struct Window {
  std::string name;  // "minute", "hour", "day": the persisted key and the status line label
  std::int64_t limit = 0;
  std::chrono::milliseconds length{0};
  bool daily_cap = false;  // exhausting it parks the connection instead of waiting
};

struct Limits {
  std::string provider;  // "xero", "capsule", ...
  std::vector<Window> windows;
  int max_concurrent = 0;  // 0 = unbounded
  HeaderStyle headers = HeaderStyle::none;
};

// Defaults for "capsule", "xero", "freshbooks", "kashflow", "freeagent", "sage".
//   xero:       60/min, 5,000/day (daily cap), 5 concurrent per tenant
//   capsule:    4,000/hour
//   freeagent:  120/min, 3,600/hour
//   sage:       200 per 60 s documented for v3.0; v3.1 unverified, so 100/min
//   freshbooks: none published: 60/min, 4 concurrent (conservative guess)
//   kashflow:   none published: 30/min, 2 concurrent (conservative guess)
// Unknown names get the kashflow guess.
Limits default_limits(std::string_view provider);

}  // namespace capsync::ratelimit
