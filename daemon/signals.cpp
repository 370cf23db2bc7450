#include "daemon/signals.hpp"

#include <csignal>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log/log.hpp"
#include "daemon/tasks.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;

struct SignalWatcher::State {
  State(asio::any_io_executor executor, Handlers h)
      : signals(std::move(executor), SIGTERM, SIGINT, SIGHUP), handlers(std::move(h)) {}
  asio::signal_set signals;
  Handlers handlers;
  bool stopped = false;
};

namespace {

asio::awaitable<void> wait_loop(std::shared_ptr<SignalWatcher::State> state) {
  while (!state->stopped) {
    auto [ec, number] = co_await state->signals.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || state->stopped) co_return;
    if (number == SIGHUP) {
      log::info({}, "Received SIGHUP, reloading configuration");
      if (state->handlers.reload) state->handlers.reload();
    } else {
      log::info({}, "Received {}, stopping", number == SIGTERM ? "SIGTERM" : "SIGINT");
      if (state->handlers.stop) state->handlers.stop();
    }
  }
}

}  // namespace

SignalWatcher::SignalWatcher(asio::any_io_executor executor, Handlers handlers, Tasks& tasks)
    : tasks_(tasks), state_(std::make_shared<State>(std::move(executor), std::move(handlers))) {}

SignalWatcher::~SignalWatcher() { stop(); }

void SignalWatcher::start() { tasks_.spawn("the signal handler", Tasks::Policy::essential, wait_loop(state_)); }

void SignalWatcher::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ignored;
  state_->signals.cancel(ignored);
}

}  // namespace capsync::daemon
