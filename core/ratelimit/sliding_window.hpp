#pragma once
// SlidingWindow: at most `limit` events in any interval of `length`. Safer than a token bucket
// against servers that count in rolling windows (a bucket can admit 2x the limit across a
// window edge) and, unlike a fixed window, it never needs the server's window alignment.
// Pure: every call takes the time, so tests drive it without clocks.

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

namespace capsync::ratelimit {

class SlidingWindow {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;

  SlidingWindow(std::int64_t limit, duration length) : limit_(limit), length_(length) {}

  // Events counted in the window ending at now, pending ones included.
  std::int64_t used(time_point now);
  std::int64_t limit() const { return limit_; }
  // The server declares another limit for this window (X-RateLimit-Limit): it holds from now on.
  void set_limit(std::int64_t limit) { limit_ = limit; }
  duration length() const { return length_; }

  // Zero if one more event fits now, else how long until it does; nullopt when only a
  // pending event's completion can make room.
  std::optional<duration> wait(time_point now);
  void record(time_point now, std::int64_t count = 1);

  // An event whose time is not known yet (a request in flight). It counts from now and its
  // window starts when complete() is called: the server saw it no later than its response came
  // back, so timing it then can never undercount a server's rolling window.
  void begin_pending() { ++pending_; }
  void complete(time_point now);
  std::int64_t pending() const { return pending_; }

  // Server says `remaining` are left in its window: count at least limit - remaining as used
  // (never lowers our count: the stricter of the two views wins).
  void correct_remaining(time_point now, std::int64_t remaining);

  // When the oldest counted event leaves the window (now if empty).
  time_point oldest_expiry(time_point now);
  // When every counted event has left the window.
  time_point all_expired(time_point now);

 private:
  void expire(time_point now);

  std::int64_t limit_;
  duration length_;
  std::deque<time_point> events_;  // ascending
  std::int64_t pending_ = 0;
};

}  // namespace capsync::ratelimit
