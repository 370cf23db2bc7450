#pragma once
// ConnectionLocks: one sync at a time per connection. The scheduler enqueues pull,
// capsule_poll and full_reconcile independently and the runner may run them at once; two
// passes deciding from the same mirror would both create the party for a new contact. A job
// awaits the lock (a suspended coroutine, never a blocked thread), first come first served.
// Single-threaded: the io_context thread owns every member.

#include <deque>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

namespace capsync::engine {

class ConnectionLocks final {
 public:
  class Guard final {
   public:
    Guard(ConnectionLocks* locks, std::string connection) : locks_(locks), connection_(std::move(connection)) {}
    Guard(Guard&& other) noexcept : locks_(std::exchange(other.locks_, nullptr)), connection_(std::move(other.connection_)) {}
    Guard& operator=(Guard&&) = delete;
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() {
      if (locks_) locks_->unlock(connection_);
    }

   private:
    ConnectionLocks* locks_;
    std::string connection_;
  };

  explicit ConnectionLocks(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}
  ConnectionLocks(const ConnectionLocks&) = delete;
  ConnectionLocks& operator=(const ConnectionLocks&) = delete;

  // Resumes once this caller holds the connection's lock; released with the Guard.
  boost::asio::awaitable<Guard> lock(std::string connection);
  bool held(const std::string& connection) const;

 private:
  void unlock(const std::string& connection);

  struct State {
    bool held = false;
    std::deque<std::shared_ptr<boost::asio::steady_timer>> waiters;  // woken (cancelled) in order
  };
  boost::asio::any_io_executor executor_;
  std::map<std::string, State> states_;
};

}  // namespace capsync::engine
