#include "test/sandbox/sandbox_clock.hpp"

#include <algorithm>
#include <cmath>

namespace capsync::sandbox {

SandboxClock::SandboxClock(double time_scale) : scale_(time_scale > 0 ? time_scale : 1.0) {}

TimePoint SandboxClock::wall() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

TimePoint SandboxClock::now() const { return wall() + offset_; }

void SandboxClock::set_now(TimePoint start) { offset_ = start - wall(); }

void SandboxClock::advance(std::chrono::milliseconds by) { offset_ += by; }

std::chrono::milliseconds SandboxClock::scaled(std::chrono::milliseconds provider_duration) const {
  auto ms = static_cast<std::int64_t>(std::llround(static_cast<double>(provider_duration.count()) / scale_));
  return std::chrono::milliseconds(std::max<std::int64_t>(ms, 1));
}

std::chrono::milliseconds SandboxClock::credential_lifetime(std::chrono::milliseconds provider_duration) const {
  const auto whole = std::chrono::duration_cast<std::chrono::seconds>(scaled(provider_duration));
  return std::max<std::chrono::milliseconds>(whole, std::min<std::chrono::milliseconds>(provider_duration, kMinCredentialLifetime));
}

std::int64_t SandboxClock::ceil_seconds(std::chrono::milliseconds remaining) {
  return std::max<std::int64_t>(1, (remaining.count() + 999) / 1000);
}

}  // namespace capsync::sandbox
