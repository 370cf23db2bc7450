#include "daemon/tasks.hpp"

#include <cstdint>
#include <exception>
#include <map>
#include <system_error>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>

#include "core/log/log.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;

struct Tasks::State {
  State(asio::any_io_executor ex, Failure f) : executor(std::move(ex)), failure(std::move(f)) {}
  asio::any_io_executor executor;
  Failure failure;
  // One signal per running task. A signal is destroyed only from a handler posted after the
  // task's completion: co_spawn may still use its slot while the completion handler runs.
  std::map<std::uint64_t, std::unique_ptr<asio::cancellation_signal>> running;
  std::uint64_t next_id = 1;
  bool cancelled = false;
  std::vector<std::function<void()>> idle;

  void ended(std::uint64_t id) {
    running.erase(id);
    if (!running.empty()) return;
    auto waiting = std::move(idle);
    idle.clear();
    for (auto& f : waiting) f();
  }
};

namespace {

bool is_cancellation(const std::exception& e) {
  const auto* error = dynamic_cast<const boost::system::system_error*>(&e);
  return error != nullptr && error->code() == asio::error::operation_aborted;
}

}  // namespace

Tasks::Tasks(asio::any_io_executor executor, Failure failure)
    : state_(std::make_shared<State>(std::move(executor), std::move(failure))) {}

Tasks::~Tasks() {
  // Tasks still running finish without anyone to tell: their handlers hold the state only.
  state_->failure = nullptr;
  state_->idle.clear();
}

void Tasks::spawn(std::string name, Policy policy, asio::awaitable<void> task) {
  if (state_->cancelled) {
    log::debug({}, "Not starting {}: capsyncd is stopping", name);
    return;
  }
  const std::uint64_t id = state_->next_id++;
  auto& signal = state_->running[id];
  signal = std::make_unique<asio::cancellation_signal>();
  auto done = [state = state_, id, name = std::move(name), policy](std::exception_ptr error) {
    asio::post(state->executor, [state, id] { state->ended(id); });
    if (!error) return;
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      if (state->cancelled && is_cancellation(e)) return;  // stopped by cancel_all(), as asked
      what = e.what();
    } catch (...) {
    }
    if (policy == Policy::contained) {
      log::warning({}, "Failed to run {}: {}, ignoring", name, what);
      return;
    }
    log::critical({}, "Failed to run {}: {}", name, what);
    if (state->failure) state->failure(name, what);
  };
  asio::co_spawn(state_->executor, std::move(task), asio::bind_cancellation_slot(signal->slot(), std::move(done)));
}

void Tasks::cancel_all() {
  state_->cancelled = true;
  // Emitting may complete a task inline; the map only changes from posted handlers.
  for (auto& [id, signal] : state_->running) signal->emit(asio::cancellation_type::terminal);
}

void Tasks::when_idle(std::function<void()> idle) {
  state_->idle.push_back(std::move(idle));
  if (state_->running.empty()) asio::post(state_->executor, [state = state_] {
      if (state->running.empty()) state->ended(0);
    });
}

std::size_t Tasks::running() const { return state_->running.size(); }

}  // namespace capsync::daemon
