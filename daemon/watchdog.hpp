#pragma once
// Watchdog: sends WATCHDOG=1 from a loop timer at half the interval the service manager
// asked for (WATCHDOG_USEC). Because the ping is an ordinary loop event, a blocked or
// wedged io_context stops the pings and systemd restarts the daemon.

#include <chrono>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

namespace capsync::daemon {

class Notifier;
class Tasks;

class Watchdog final {
 public:
  Watchdog(boost::asio::any_io_executor executor, Notifier& notifier, Tasks& tasks);
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog();

  // Starts pinging when the service manager enabled a watchdog for this process; returns
  // the ping period, or zero when there is no watchdog.
  std::chrono::microseconds start();
  void stop();

  struct State;

 private:
  Tasks& tasks_;
  std::shared_ptr<State> state_;  // shared with the ping loop, which may outlive stop()
};

}  // namespace capsync::daemon
