#pragma once
// ListenerGuard: keeps a listening socket (admin socket, metrics endpoint) serving while
// clients misbehave. It caps the sessions open at once: a new client beyond the cap closes
// the session that has waited longest for a request (a silent client), and is refused only
// when every session is busy answering. When accept() fails because the process is out of
// file descriptors (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM) it closes the oldest
// idle session and waits a short while before accepting again, instead of spinning, and says
// so once per episode.
// Single-threaded: every member belongs to the executor's thread.
// accept_loop() below is the one accept loop of the listeners (admin socket, metrics, webhooks).

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "daemon/tasks.hpp"

namespace capsync::daemon {

class ListenerGuard final {
 public:
  struct Options {
    std::string name;  // "admin socket", for the journal
    std::size_t max_sessions = 64;
    std::chrono::milliseconds backoff{100};  // after EMFILE, doubling up to max_backoff
    std::chrono::milliseconds max_backoff{1000};
  };

  struct Entry;
  // A session's place under the cap; given back when destroyed.
  class Session final {
   public:
    Session(std::shared_ptr<Entry> entry, std::shared_ptr<std::list<std::shared_ptr<Entry>>> all)
        : entry_(std::move(entry)), all_(std::move(all)) {}
    Session(Session&&) noexcept = default;
    Session& operator=(Session&&) = delete;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session();
    // Idle: waiting for the client's next request, so it may be closed to admit another.
    void idle(bool idle);

   private:
    std::shared_ptr<Entry> entry_;
    std::shared_ptr<std::list<std::shared_ptr<Entry>>> all_;
  };

  ListenerGuard(boost::asio::any_io_executor executor, Options options);
  ListenerGuard(const ListenerGuard&) = delete;
  ListenerGuard& operator=(const ListenerGuard&) = delete;

  // Admits a session just accepted (idle until it says otherwise); at the cap, closes the
  // oldest idle session first. nullopt: every session is busy, refuse this one. `close` ends
  // the session (closes its socket) when it is closed to make room.
  std::optional<Session> admit(std::function<void()> close);
  // Call when accept() failed with `ec`. Out of file descriptors (or memory): frees one and
  // waits before the next accept. Any other error is logged and the next accept follows at once.
  boost::asio::awaitable<void> accept_failed(boost::system::error_code ec);
  // Call when accept() succeeded. An episode of EMFILE ends after a minute without one.
  void accepted();

  std::size_t sessions() const { return all_->size(); }
  // The cap in force: max_sessions, lowered to a quarter of the file descriptor limit so that
  // one listener can never take the descriptors the sync needs.
  std::size_t max_sessions() const { return max_; }

 private:
  // Closes the session idle longest; false when none is idle.
  bool close_oldest_idle();

  boost::asio::any_io_executor executor_;
  Options options_;
  std::size_t max_;
  std::shared_ptr<std::list<std::shared_ptr<Entry>>> all_;  // in order of admission
  bool out_of_fds_ = false;  // an EMFILE episode is going on: said once, until it ends
  std::chrono::steady_clock::time_point last_refusal_{};
  std::chrono::milliseconds backoff_;
  std::size_t refused_ = 0;  // accept failures in this episode
};

// Closes a session's stream to make room; errors are of no use at that point.
template <class Stream>
void close_quietly(Stream& stream) {
  if constexpr (requires { stream.socket(); }) {
    stream.close();  // a Beast stream: also cancels its timers
  } else {
    boost::system::error_code ignored;
    stream.close(ignored);
  }
}

// Accepts on state->acceptor until it is closed or state->stopped is set. Each connection is
// admitted under state->guard (refused when every session is busy) and served by
// `session(state, stream, slot)` as a contained task of state->tasks named `what`.
// State: a listener's shared state with `acceptor`, `guard`, `tasks` and `bool stopped`.
template <class Stream, class State, class Session>
boost::asio::awaitable<void> accept_loop(std::shared_ptr<State> state, std::string what, Session session) {
  namespace asio = boost::asio;
  while (!state->stopped) {
    auto [ec, socket] = co_await state->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (state->stopped || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      co_await state->guard.accept_failed(ec);
      continue;
    }
    state->guard.accepted();
    auto shared = std::make_shared<Stream>(std::move(socket));
    auto slot = state->guard.admit([weak = std::weak_ptr<Stream>(shared)] {
      if (auto s = weak.lock()) close_quietly(*s);
    });
    if (!slot) continue;  // every session is busy answering: this client is closed
    state->tasks.spawn(what, Tasks::Policy::contained, session(state, std::move(shared), std::move(*slot)));
  }
}

}  // namespace capsync::daemon
