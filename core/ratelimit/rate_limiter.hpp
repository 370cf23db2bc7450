#pragma once
// RateLimiter: the request budget of one (connection, provider), as an http::RequestGate.
//
// Windows (SlidingWindow per documented limit) + a concurrency bound; acquire() suspends on a
// timer, never blocks the thread. Responses correct it: remaining/reset headers and Retry-After
// (a 429 pauses the whole limiter). Exhausting a daily-cap window is not an error for the owner:
// on_daily_cap fires once per episode with the reset time, and acquire() returns
// Errc::rate_limited until then, its Error::retry_at() the reset (daily_cap set), so the job
// ends and the job runner parks the connection instead of holding a lease.
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
#include "core/ratelimit/budget_store.hpp"
#include "core/ratelimit/provider_limits.hpp"

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

  // "xero: 41/60 per minute, 4,102/5,000 today" (plus ", paused 12s" / ", daily cap until …").
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
