#pragma once
// StatusReporter: keeps the service manager's STATUS= line current without flooding it.
// changed() may be called on every event; the line is rebuilt and sent at most once per
// `min_interval`, and always after the last change.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

namespace capsync::daemon {

class Notifier;

class StatusReporter final {
 public:
  StatusReporter(boost::asio::any_io_executor executor, Notifier& notifier, std::function<std::string()> make_line,
                 std::chrono::milliseconds min_interval = std::chrono::seconds{1});
  StatusReporter(const StatusReporter&) = delete;
  StatusReporter& operator=(const StatusReporter&) = delete;
  ~StatusReporter();

  // Something the line shows may have changed.
  void changed();
  // Records that the line was just sent some other way (with READY=1).
  void sent_now(std::string line);
  void stop();

  struct State;

 private:
  std::shared_ptr<State> state_;  // shared with the pending send
};

}  // namespace capsync::daemon
