#include "daemon/watchdog.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <systemd/sd-daemon.h>

#include "core/log/log.hpp"
#include "daemon/notifier.hpp"
#include "daemon/tasks.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;

struct Watchdog::State {
  State(asio::any_io_executor executor, Notifier& n) : timer(std::move(executor)), notifier(n) {}
  asio::steady_timer timer;
  Notifier& notifier;
  bool stopped = false;
};

namespace {

asio::awaitable<void> ping_loop(std::shared_ptr<Watchdog::State> state, std::chrono::microseconds period) {
  while (!state->stopped) {
    state->notifier.watchdog();
    state->timer.expires_after(period);
    auto [ec] = co_await state->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;  // cancelled by stop()
  }
}

}  // namespace

Watchdog::Watchdog(asio::any_io_executor executor, Notifier& notifier, Tasks& tasks)
    : tasks_(tasks), state_(std::make_shared<State>(std::move(executor), notifier)) {}

Watchdog::~Watchdog() { stop(); }

std::chrono::microseconds Watchdog::start() {
  std::uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID (if any) names this process.
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::chrono::microseconds{0};
  const std::chrono::microseconds period{usec / 2};
  log::debug({}, "Watchdog enabled, pinging every {} ms", period.count() / 1000);
  tasks_.spawn("the watchdog", Tasks::Policy::essential, ping_loop(state_, period));
  return period;
}

void Watchdog::stop() {
  state_->stopped = true;
  state_->timer.cancel();
}

}  // namespace capsync::daemon
