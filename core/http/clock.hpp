#pragma once
// Clock: the two notions of "now" capsync's network code needs, injectable so tests control time.
// steady time measures durations and schedules waits; system time reads and writes wall-clock
// instants that servers send (Retry-After dates, reset epochs) and that the store persists.

#include <chrono>

namespace capsync {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
  virtual std::chrono::system_clock::time_point system_now() const = 0;

  // The process-wide real clock.
  static Clock& real();
};

// A clock that only moves when told to; both notions advance together.
class ManualClock final : public Clock {
 public:
  ManualClock() : system_(std::chrono::system_clock::now()) {}
  std::chrono::steady_clock::time_point steady_now() const override { return steady_; }
  std::chrono::system_clock::time_point system_now() const override { return system_; }
  void advance(std::chrono::nanoseconds d) {
    steady_ += d;
    system_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  }

 private:
  std::chrono::steady_clock::time_point steady_{};
  std::chrono::system_clock::time_point system_;
};

}  // namespace capsync
