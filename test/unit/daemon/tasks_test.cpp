#include "daemon/tasks.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include "core/config/settings.hpp"
#include "daemon/scheduler.hpp"
#include "test/unit/daemon/log_capture.hpp"

using namespace capsync;
using namespace capsync::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

asio::awaitable<void> throws(std::string what) {
  throw std::runtime_error(what);
  co_return;
}

asio::awaitable<void> sleeps(std::chrono::hours how_long) {
  asio::steady_timer timer(co_await asio::this_coro::executor, how_long);
  co_await timer.async_wait(asio::use_awaitable);
}

}  // namespace

TEST_CASE("tasks: an essential task that throws is logged with its name and stops the daemon") {
  test::LogCapture log;
  asio::io_context io;
  std::vector<std::string> failed;
  Tasks tasks(io.get_executor(), [&](const std::string& name, const std::string& what) {
    failed.push_back(name + ": " + what);
    io.stop();
  });
  tasks.spawn("the test loop", Tasks::Policy::essential, throws("the queue is gone"));
  io.run_for(30s);  // a guard only: the failure stops the loop
  INFO(log.text());
  CHECK(failed == std::vector<std::string>{"the test loop: the queue is gone"});
  CHECK(log.count(log::Level::critical, "Failed to run the test loop: the queue is gone") == 1);
}

TEST_CASE("tasks: a contained task that throws ends alone, logged") {
  test::LogCapture log;
  asio::io_context io;
  int failures = 0;
  Tasks tasks(io.get_executor(), [&](const std::string&, const std::string&) { ++failures; });
  tasks.spawn("an admin socket session", Tasks::Policy::contained, throws("bad request"));
  io.run_for(30s);  // returns once nothing is left to do
  INFO(log.text());
  CHECK(failures == 0);
  CHECK(log.count(log::Level::warning, "Failed to run an admin socket session: bad request, ignoring") == 1);
  CHECK(tasks.running() == 0);
}

TEST_CASE("tasks: cancel_all ends every task, quietly, and then the loop is idle") {
  test::LogCapture log;
  asio::io_context io;
  int failures = 0;
  Tasks tasks(io.get_executor(), [&](const std::string&, const std::string&) { ++failures; });
  tasks.spawn("the watchdog", Tasks::Policy::essential, sleeps(1h));
  tasks.spawn("a session", Tasks::Policy::contained, sleeps(1h));
  bool idle = false;
  io.poll();  // both are waiting now
  REQUIRE(tasks.running() == 2);
  tasks.cancel_all();
  tasks.when_idle([&] { idle = true; });
  io.run_for(30s);  // returns once both have ended
  INFO(log.text());
  CHECK(idle);
  CHECK(tasks.running() == 0);
  CHECK(failures == 0);
  CHECK(log.count("Failed to run") == 0);
  // Nothing starts once the daemon is stopping.
  tasks.spawn("a late session", Tasks::Policy::contained, sleeps(1h));
  CHECK(tasks.running() == 0);
}

TEST_CASE("scheduler: a timer loop whose enqueue throws is logged and stops the daemon") {
  test::LogCapture log;
  asio::io_context io;
  std::vector<std::string> failed;
  Tasks tasks(io.get_executor(), [&](const std::string& name, const std::string&) {
    failed.push_back(name);
    io.stop();
  });
  int enqueued = 0;
  Scheduler scheduler(
      io.get_executor(),
      [&](const queue::JobSpec&) {
        // The initial pull and poll go through; the first timer's enqueue throws.
        if (++enqueued > 2) throw std::runtime_error("cannot write the queue");
      },
      tasks, 7);
  config::ConnectionConfig c;
  c.name = "acme";
  c.sync.interval = 1s;  // the shortest period a timer runs at
  scheduler.apply({c});
  REQUIRE(enqueued == 2);
  io.run_for(60s);  // a guard only: the failure stops the loop after about a second
  INFO(log.text());
  CHECK(failed == std::vector<std::string>{"the pull timer of connection acme"});
  CHECK(log.count(log::Level::critical, "Failed to run the pull timer of connection acme: cannot write the queue") ==
        1);
}
