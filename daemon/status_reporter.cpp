#include "daemon/status_reporter.hpp"

#include <boost/asio/steady_timer.hpp>

#include "daemon/notifier.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

struct StatusReporter::State {
  State(asio::any_io_executor executor, Notifier& n, std::function<std::string()> make, std::chrono::milliseconds min)
      : timer(std::move(executor)), notifier(n), make_line(std::move(make)), min_interval(min) {}
  asio::steady_timer timer;
  Notifier& notifier;
  std::function<std::string()> make_line;
  std::chrono::milliseconds min_interval;
  steady::time_point last_sent{};
  std::string last_line;
  bool pending = false;
  bool stopped = false;
};

StatusReporter::StatusReporter(asio::any_io_executor executor, Notifier& notifier,
                               std::function<std::string()> make_line, std::chrono::milliseconds min_interval)
    : state_(std::make_shared<State>(std::move(executor), notifier, std::move(make_line), min_interval)) {}

StatusReporter::~StatusReporter() { stop(); }

void StatusReporter::changed() {
  if (state_->pending || state_->stopped) return;
  state_->pending = true;
  state_->timer.expires_at(std::max(steady::now(), state_->last_sent + state_->min_interval));
  state_->timer.async_wait([state = state_](boost::system::error_code ec) {
    state->pending = false;
    if (ec || state->stopped) return;
    std::string line = state->make_line();
    state->last_sent = steady::now();
    if (line == state->last_line) return;
    state->notifier.status(line);
    state->last_line = std::move(line);
  });
}

void StatusReporter::sent_now(std::string line) {
  state_->last_sent = steady::now();
  state_->last_line = std::move(line);
}

void StatusReporter::stop() {
  state_->stopped = true;
  state_->timer.cancel();
}

}  // namespace capsync::daemon
