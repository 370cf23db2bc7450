#pragma once
// The sandbox's notion of time. "now" follows the wall clock (optionally starting from a
// seeded instant) plus whatever /_admin/time has advanced it by. --time-scale N compresses
// every provider duration (token lifetime, rate-limit windows, Retry-After, idempotency
// cache) by N, so tests can cross a one-hour window in seconds of real time.

#include <chrono>
#include <cstdint>

namespace capsync::sandbox {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

inline constexpr std::chrono::seconds kMinCredentialLifetime{30};

class SandboxClock final {
 public:
  explicit SandboxClock(double time_scale = 1.0);

  TimePoint now() const;
  // Makes now() equal `start` at this moment (seeds may pin the clock).
  void set_now(TimePoint start);
  void advance(std::chrono::milliseconds by);

  double time_scale() const { return scale_; }
  // A provider duration as it passes on this sandbox (divided by the time scale, >= 1 ms).
  std::chrono::milliseconds scaled(std::chrono::milliseconds provider_duration) const;
  // How long a credential the provider hands out stays usable here (access token, authorization
  // code, login step, session, Xero's grace for a retried refresh): scaled, but never under
  // kMinCredentialLifetime of wall time, since what a client does between receiving one and
  // using it is not compressed (real ones last 5 minutes or more); whole seconds, so
  // `expires_in` reports it exactly.
  std::chrono::milliseconds credential_lifetime(std::chrono::milliseconds provider_duration) const;
  // Whole seconds a client must wait for `remaining` to pass, rounded up, at least 1.
  static std::int64_t ceil_seconds(std::chrono::milliseconds remaining);

 private:
  static TimePoint wall();
  double scale_;
  std::chrono::milliseconds offset_{0};
};

}  // namespace capsync::sandbox
