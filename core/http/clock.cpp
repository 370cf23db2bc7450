#include "core/http/clock.hpp"

namespace capsync {
namespace {
class RealClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point steady_now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point system_now() const override { return std::chrono::system_clock::now(); }
};
}  // namespace

Clock& Clock::real() {
  static RealClock clock;
  return clock;
}

}  // namespace capsync
