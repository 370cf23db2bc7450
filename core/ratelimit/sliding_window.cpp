#include "core/ratelimit/sliding_window.hpp"

#include <algorithm>

namespace capsync::ratelimit {

void SlidingWindow::expire(time_point now) {
  while (!events_.empty() && events_.front() + length_ <= now) events_.pop_front();
}

std::int64_t SlidingWindow::used(time_point now) {
  expire(now);
  return static_cast<std::int64_t>(events_.size()) + pending_;
}

std::optional<SlidingWindow::duration> SlidingWindow::wait(time_point now) {
  expire(now);
  auto size = static_cast<std::int64_t>(events_.size());
  std::int64_t excess = size + pending_ - limit_;  // events that must leave before one more fits
  if (excess < 0) return duration::zero();
  if (excess >= size) return std::nullopt;
  return events_[static_cast<std::size_t>(excess)] + length_ - now;
}

void SlidingWindow::record(time_point now, std::int64_t count) {
  // Kept ascending even if a caller's clock reading is older than the newest event.
  if (!events_.empty() && now < events_.back()) now = events_.back();
  for (std::int64_t i = 0; i < count; ++i) events_.push_back(now);
}

void SlidingWindow::complete(time_point now) {
  if (pending_ > 0) --pending_;
  record(now);
}

void SlidingWindow::correct_remaining(time_point now, std::int64_t remaining) {
  std::int64_t server_used = std::clamp<std::int64_t>(limit_ - remaining, 0, limit_);
  std::int64_t ours = used(now);
  if (server_used > ours) record(now, server_used - ours);
}

SlidingWindow::time_point SlidingWindow::oldest_expiry(time_point now) {
  expire(now);
  return events_.empty() ? now : events_.front() + length_;
}

SlidingWindow::time_point SlidingWindow::all_expired(time_point now) {
  expire(now);
  return events_.empty() ? now : events_.back() + length_;
}

}  // namespace capsync::ratelimit
