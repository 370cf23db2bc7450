#pragma once
// RateLimiter: the request budget of one (connection, provider), as an http::RequestGate.
//
// Windows (SlidingWindow per documented limit) + a concurrency bound; acquire() suspends on a
// timer, never blocks the thread. Responses correct it: remaining/reset headers and Retry-After
// (a 429 pauses the whole limiter; a server's wait counts as at most max_server_wait).
// Exhausting a daily-cap window, or a server pause longer than hold_limit, is not an error for
// the owner: acquire() returns Errc::rate_limited until it ends, its Error::retry_at() the end
// (daily_cap set: the whole connection waits), so the job ends and the job runner parks the
// connection instead of holding a lease; on_daily_cap fires once per episode.
// Usage persists through a BudgetStore: loaded at construction, saved on a cadence and by flush().
// Single-threaded: every member must be used from the executor's thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/error/result.hpp"
#include "core/http/clock.hpp"
#include "core/http/request_gate.hpp"
#include "core/http/retry_policy.hpp"
#include "core/ratelimit/budget_store.hpp"
#include "core/ratelimit/limits.hpp"

namespace capsync::ratelimit {

struct DailyCapReached {
  std::string connection;
  std::string provider;
  std::chrono::system_clock::time_point reset_at;
};

struct RateLimiterOptions {
  std::string connection;
  Limits limits;
  double time_scale = 1.0;  // windows last length / time_scale (for the sandbox's --time-scale)
  Clock* clock = nullptr;   // nullptr = Clock::real()
  BudgetStore* store = nullptr;  // nullptr = not persisted
  std::chrono::milliseconds save_interval{10000};
  // A server-declared wait (Retry-After, reset, day problem) counts as at most this long.
  std::chrono::milliseconds max_server_wait = http::max_server_wait;
  // Pauses up to this long are waited out inside acquire(); longer ones refuse (see above).
  std::chrono::milliseconds hold_limit{std::chrono::minutes{2}};
  // Both durations above are divided by time_scale too.
  std::function<void(const DailyCapReached&)> on_daily_cap;
};

class RateLimiter final : public http::RequestGate {
 public:
  RateLimiter(boost::asio::any_io_executor executor, RateLimiterOptions options);
  ~RateLimiter() override;  // flushes
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  boost::asio::awaitable<Status> acquire() override;
  void release(const http::Response* response) override;

  // Writes the budget to the store now (at shutdown; also done every save_interval).
  Status flush();

  // "xero: 41/60 per minute, 4,102/5,000 today" (plus ", paused 12 s" / ", daily cap reached").
  std::string status_line();

  // Requests admitted and 429s seen since construction.
  std::int64_t admitted() const;
  std::int64_t throttled() const;

  // Re-evaluates a waiting acquire() now (tests that move a ManualClock).
  void TEST_wake();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capsync::ratelimit
