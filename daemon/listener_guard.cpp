#include "daemon/listener_guard.hpp"

#include <sys/resource.h>

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log/log.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

namespace {

// An EMFILE episode is over once accepts have worked this long without one.
constexpr std::chrono::seconds kQuietEnd{60};

std::size_t cap_for_fd_limit(std::size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return wanted;
  return std::clamp<std::size_t>(static_cast<std::size_t>(limit.rlim_cur / 4), 1, wanted);
}

}  // namespace

struct ListenerGuard::Entry {
  std::function<void()> close;
  bool idle = true;
  steady::time_point idle_since = steady::now();
};

ListenerGuard::Session::~Session() {
  if (entry_) all_->remove(entry_);
}

void ListenerGuard::Session::idle(bool idle) {
  if (idle && !entry_->idle) entry_->idle_since = steady::now();
  entry_->idle = idle;
}

ListenerGuard::ListenerGuard(asio::any_io_executor executor, Options options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      max_(cap_for_fd_limit(std::max<std::size_t>(options_.max_sessions, 1))),
      all_(std::make_shared<std::list<std::shared_ptr<Entry>>>()),
      backoff_(options_.backoff) {}

bool ListenerGuard::close_oldest_idle() {
  auto oldest = all_->end();
  for (auto it = all_->begin(); it != all_->end(); ++it)
    if ((*it)->idle && (oldest == all_->end() || (*it)->idle_since < (*oldest)->idle_since)) oldest = it;
  if (oldest == all_->end()) return false;
  auto entry = *oldest;
  all_->erase(oldest);  // its Session finds itself gone and gives nothing back
  if (entry->close) entry->close();
  return true;
}

std::optional<ListenerGuard::Session> ListenerGuard::admit(std::function<void()> close) {
  if (all_->size() >= max_ && !close_oldest_idle()) return std::nullopt;
  auto entry = std::make_shared<Entry>();
  entry->close = std::move(close);
  all_->push_back(entry);
  return Session(std::move(entry), all_);
}

asio::awaitable<void> ListenerGuard::accept_failed(boost::system::error_code ec) {
  // Out of descriptors or kernel memory: accepting again at once would fail the same way.
  const bool exhausted = ec == asio::error::no_descriptors || ec.value() == ENFILE ||
                         ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
  if (!exhausted) {
    log::warning({}, "Failed to accept a connection on the {}: {}, ignoring", options_.name, ec.message());
    co_return;
  }
  ++refused_;
  last_refusal_ = steady::now();
  const bool freed = close_oldest_idle();
  if (!out_of_fds_) {
    out_of_fds_ = true;
    log::warning({}, "Failed to accept a connection on the {}: {}; {}retrying every {} ms or less until it works "
                 "(said once)", options_.name, ec.message(),
                 freed ? "closed the oldest idle connection, " : "", options_.max_backoff.count());
  }
  asio::steady_timer timer(executor_, backoff_);
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

void ListenerGuard::accepted() {
  backoff_ = options_.backoff;
  if (!out_of_fds_ || steady::now() - last_refusal_ < kQuietEnd) return;
  out_of_fds_ = false;
  log::notice({}, "Accepting connections on the {} again; {} accept(s) failed for lack of file descriptors",
              options_.name, refused_);
  refused_ = 0;
}

}  // namespace capsync::daemon
