#pragma once
// Runs one coroutine to completion on an io_context (tests only).

#include <exception>
#include <optional>

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

}  // namespace capsync::test
