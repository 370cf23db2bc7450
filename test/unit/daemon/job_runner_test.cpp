#include "daemon/job_runner.hpp"

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include "core/queue/job_queue.hpp"
#include "core/store/database.hpp"
#include "daemon/handler_registry.hpp"

using namespace capsync;
using namespace capsync::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// A queue in a fresh database file, a registry, and a runner on one io_context.
struct Fixture {
  Fixture() {
    std::string tmpl = "/tmp/capsync-runner-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
    auto opened = store::Database::open(dir + "/capsync.db", {});
    REQUIRE(opened.ok());
    db = std::move(*opened);
    queue = std::make_unique<queue::JobQueue>(*db);
  }
  ~Fixture() {
    runner.reset();
    queue.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }

  JobRunner& make_runner(RunnerOptions options = {}) {
    runner = std::make_unique<JobRunner>(io.get_executor(), *db, *queue, registry, "test-owner", options);
    return *runner;
  }

  std::int64_t enqueue(const std::string& kind, int max_attempts = 3) {
    queue::JobSpec spec;
    spec.kind = kind;
    spec.connection = "acme";
    spec.max_attempts = max_attempts;
    auto id = queue->enqueue(spec, unix_now_ms());
    REQUIRE(id.ok());
    return *id;
  }

  queue::Job job(std::int64_t id) {
    auto j = queue->get(id);
    REQUIRE(j.ok());
    REQUIRE(j->has_value());
    return **j;
  }

  std::string dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<queue::JobQueue> queue;
  HandlerRegistry registry;
  asio::io_context io;
  std::unique_ptr<JobRunner> runner;
};

// Waits on a timer until `flag` is set; a handler that runs until the test releases it.
asio::awaitable<Status> wait_for_flag(const bool& flag) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!flag) {
    timer.expires_after(5ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return Status{};
}

}  // namespace

TEST_CASE("runner: a job whose handler succeeds is completed") {
  Fixture f;
  int calls = 0;
  f.registry.add("pull", [&](const queue::Job& job) -> asio::awaitable<Status> {
    ++calls;
    CHECK(job.connection == "acme");
    co_return Status{};
  });
  const auto id = f.enqueue("pull");
  auto& runner = f.make_runner();
  runner.on_finished([&](const queue::Job&, const Status& s) {
    CHECK(s.ok());
    f.io.stop();
  });
  runner.start();
  f.io.run_for(10s);
  CHECK(calls == 1);
  CHECK(f.job(id).state == queue::JobState::done);
}

TEST_CASE("runner: a job of a kind without handler fails with a message naming the kind") {
  Fixture f;
  const auto id = f.enqueue("mystery", 1);
  auto& runner = f.make_runner();
  runner.on_finished([&](const queue::Job&, const Status&) { f.io.stop(); });
  runner.start();
  f.io.run_for(10s);
  const auto job = f.job(id);
  CHECK(job.state == queue::JobState::dead);
  CHECK_THAT(job.last_error, Catch::Contains("no handler is registered for job kind \"mystery\""));
}

TEST_CASE("runner: a handler that throws fails its job and the runner carries on") {
  Fixture f;
  f.registry.add("boom", [](const queue::Job&) -> asio::awaitable<Status> {
    throw std::runtime_error("kaboom");
    co_return Status{};
  });
  f.registry.add("pull", [](const queue::Job&) -> asio::awaitable<Status> { co_return Status{}; });
  const auto bad = f.enqueue("boom", 1);
  const auto good = f.enqueue("pull");
  int finished = 0;
  auto& runner = f.make_runner();
  runner.on_finished([&](const queue::Job&, const Status&) {
    if (++finished == 2) f.io.stop();
  });
  runner.start();
  f.io.run_for(10s);
  CHECK_THAT(f.job(bad).last_error, Catch::Contains("kaboom"));
  CHECK(f.job(good).state == queue::JobState::done);
}

TEST_CASE("runner: no more than max_running jobs run at once") {
  Fixture f;
  bool release = false;
  int running = 0, peak = 0, finished = 0;
  f.registry.add("pull", [&](const queue::Job&) -> asio::awaitable<Status> {
    peak = std::max(peak, ++running);
    if (running == 2) release = true;  // both slots taken: let them finish
    co_await wait_for_flag(release);
    --running;
    co_return Status{};
  });
  for (int i = 0; i < 4; ++i) f.enqueue("pull");
  RunnerOptions options;
  options.max_running = 2;
  auto& runner = f.make_runner(options);
  runner.on_finished([&](const queue::Job&, const Status&) {
    if (++finished == 4) f.io.stop();
  });
  runner.start();
  f.io.run_for(10s);
  CHECK(finished == 4);
  CHECK(peak == 2);
}

TEST_CASE("runner: the lease of a running job is extended so it is not recovered as crashed") {
  Fixture f;
  RunnerOptions options;
  options.lease = 300ms;
  std::int64_t id = 0;
  int recovered = -1;
  f.registry.add("pull", [&](const queue::Job&) -> asio::awaitable<Status> {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(900ms);  // three lease lengths
    co_await timer.async_wait(asio::use_awaitable);
    auto r = f.queue->recover_expired(unix_now_ms());
    recovered = r.ok() ? *r : -2;
    co_return Status{};
  });
  id = f.enqueue("pull");
  auto& runner = f.make_runner(options);
  runner.on_finished([&](const queue::Job&, const Status&) { f.io.stop(); });
  runner.start();
  f.io.run_for(10s);
  CHECK(recovered == 0);
  CHECK(f.job(id).state == queue::JobState::done);
}

TEST_CASE("runner: stop after the grace period gives an unfinished job back without counting an attempt") {
  Fixture f;
  bool started = false, never = false;
  f.registry.add("pull", [&](const queue::Job&) -> asio::awaitable<Status> {
    started = true;
    co_return co_await wait_for_flag(never);
  });
  const auto id = f.enqueue("pull");
  auto& runner = f.make_runner();
  runner.on_change([&] {
    if (runner.running() == 1)
      runner.stop(50ms, [&](int unfinished) {
        CHECK(unfinished == 1);
        f.io.stop();
      });
  });
  runner.start();
  f.io.run_for(10s);
  CHECK(started);
  const auto job = f.job(id);
  CHECK(job.state == queue::JobState::ready);
  CHECK(job.attempts == 0);
}

TEST_CASE("runner: a latched fatal store error stops claiming and is reported") {
  Fixture f;
  std::optional<std::string> fatal;
  auto& runner = f.make_runner();
  runner.on_fatal([&](const Error& e) {
    fatal = e.message();
    f.io.stop();
  });
  runner.start();
  (void)f.db->error_from(SQLITE_IOERR, "test");  // latches, as a failed write would
  f.enqueue("pull");
  runner.wake();
  f.io.run_for(10s);
  REQUIRE(fatal.has_value());
  CHECK(f.job(1).state == queue::JobState::ready);  // never claimed
}
