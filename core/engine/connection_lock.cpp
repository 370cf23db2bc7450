#include "core/engine/connection_lock.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace capsync::engine {

namespace asio = boost::asio;

asio::awaitable<ConnectionLocks::Guard> ConnectionLocks::lock(std::string connection) {
  State& state = states_[connection];
  if (!state.held) {
    state.held = true;
    co_return Guard(this, std::move(connection));
  }
  auto timer = std::make_shared<asio::steady_timer>(executor_, asio::steady_timer::time_point::max());
  state.waiters.push_back(timer);
  // unlock() cancels the timer to hand the lock over; `held` stays true across the hand-over.
  (void)co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  co_return Guard(this, std::move(connection));
}

bool ConnectionLocks::held(const std::string& connection) const {
  auto it = states_.find(connection);
  return it != states_.end() && it->second.held;
}

void ConnectionLocks::unlock(const std::string& connection) {
  State& state = states_[connection];
  if (state.waiters.empty()) {
    state.held = false;
    return;
  }
  auto next = std::move(state.waiters.front());
  state.waiters.pop_front();
  next->cancel();
}

}  // namespace capsync::engine
