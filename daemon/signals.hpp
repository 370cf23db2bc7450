#pragma once
// SignalWatcher: SIGTERM/SIGINT (stop) and SIGHUP (reload) as io_context events through
// asio::signal_set, so no work ever runs inside an async signal handler.

#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

namespace capsync::daemon {

class Tasks;

class SignalWatcher final {
 public:
  struct Handlers {
    std::function<void()> stop;    // SIGTERM, SIGINT
    std::function<void()> reload;  // SIGHUP
  };

  // Installs the handlers at once: construct before anything can send us a signal.
  SignalWatcher(boost::asio::any_io_executor executor, Handlers handlers, Tasks& tasks);
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;
  ~SignalWatcher();

  // Begins delivering signals to the handlers (they queue until then).
  void start();
  void stop();

  struct State;

 private:
  Tasks& tasks_;
  std::shared_ptr<State> state_;  // shared with the wait loop
};

}  // namespace capsync::daemon
