#pragma once
// Runs one coroutine to completion on an io_context, or starts several side by side (tests only).
// An exception a coroutine ends with is never dropped: run() rethrows it, and a task started
// with spawn() rethrows it out of the io_context's run call, failing the test.

#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace capsync::test {

template <typename T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
  std::optional<T> out;
  std::exception_ptr failure;
  bool done = false;
  auto wrapper = [](boost::asio::awaitable<T> t, std::optional<T>& o) -> boost::asio::awaitable<void> {
    o.emplace(co_await std::move(t));
  };
  boost::asio::co_spawn(io, wrapper(std::move(task), out), [&](std::exception_ptr e) {
    failure = e;
    done = true;
  });
  io.restart();
  while (!done) io.run_one();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

// Starts `task` (an awaitable, or a function returning one, as co_spawn takes) on `where` (an
// io_context or executor) without waiting for it, for tests that run several at once.
template <typename Where, typename Task>
void spawn(Where&& where, Task&& task) {
  boost::asio::co_spawn(std::forward<Where>(where), std::forward<Task>(task), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
}

}  // namespace capsync::test
