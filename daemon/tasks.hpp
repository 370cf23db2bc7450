#pragma once
// Tasks: every coroutine capsyncd starts, so that none dies silently and none outlives the
// objects it uses. spawn() gives each one the completion handler that catches what it throws:
//   Policy::essential  a loop the daemon cannot run without (signals, scheduler, job runner):
//                      logs "Failed to run <name>: <what>" and calls the failure callback,
//                      which stops the daemon with a non-zero exit so systemd restarts it;
//   Policy::contained  one task among many (an admin or metrics session): logs
//                      "Failed to run <name>: <what>, ignoring"; only that task ends.
// cancel_all() cancels every running task (terminal cancellation, so its frames unwind while
// their owners still exist); when_idle() says when the last one has ended.
// Single-threaded: every member belongs to the executor's thread.

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace capsync::daemon {

class Tasks final {
 public:
  enum class Policy { essential, contained };
  // An essential task `name` threw `what`.
  using Failure = std::function<void(const std::string& name, const std::string& what)>;

  Tasks(boost::asio::any_io_executor executor, Failure failure);
  Tasks(const Tasks&) = delete;
  Tasks& operator=(const Tasks&) = delete;
  ~Tasks();

  // Starts `task`. After cancel_all() nothing new starts: `task` is dropped unstarted.
  void spawn(std::string name, Policy policy, boost::asio::awaitable<void> task);
  // Asks every running task to stop; an operation_aborted they end with is not a failure.
  void cancel_all();
  // Runs `idle` once no task is running (soon, from the executor, if none is now).
  void when_idle(std::function<void()> idle);
  std::size_t running() const;

  struct State;

 private:
  std::shared_ptr<State> state_;  // shared with the completion handlers
};

}  // namespace capsync::daemon
