#include "daemon/job_runner.hpp"

#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include "core/log/log.hpp"
#include "core/queue/job_queue.hpp"
#include "core/store/database.hpp"
#include "daemon/daemon_status.hpp"
#include "daemon/handler_registry.hpp"
#include "daemon/tasks.hpp"
#include "test/unit/store/full_disk_vfs.hpp"

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
    runner = std::make_unique<JobRunner>(io.get_executor(), *db, *queue, registry, tasks, "test-owner", options);
    return *runner;
  }

  std::int64_t enqueue(const std::string& kind, int max_attempts = 3, const std::string& connection = "acme") {
    queue::JobSpec spec;
    spec.kind = kind;
    spec.connection = connection;
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
  Tasks tasks{io.get_executor(), [](const std::string&, const std::string&) {}};
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

namespace {

// Journal lines written while it lives.
struct CapturedLog {
  CapturedLog() {
    log::TEST_set_sink([this](const log::Record& r) { records.push_back(r); });
  }
  ~CapturedLog() { log::TEST_set_sink(nullptr); }
  int count(std::string_view text) const {
    return static_cast<int>(std::count_if(records.begin(), records.end(), [&](const log::Record& r) {
      return r.message.find(text) != std::string::npos;
    }));
  }
  std::vector<log::Record> records;
};

Status daily_cap_until(std::int64_t reset_ms) {
  return make_error(Errc::rate_limited, "Daily request limit of xero reached; retry after the reset")
      .with_context("pull contacts")
      .with_retry_at({reset_ms, true, "xero"});
}

}  // namespace

TEST_CASE("runner: a daily cap parks the connection's jobs, not failed, said once, and they resume after the reset") {
  Fixture f;
  CapturedLog captured;
  const std::int64_t reset = unix_now_ms() + 2000;
  std::vector<std::int64_t> acme_calls;  // when the acme handler ran
  std::int64_t capped = 0;               // the job that met the cap
  std::int64_t beta_ran = 0;
  f.registry.add("pull", [&](const queue::Job& job) -> asio::awaitable<Status> {
    if (job.connection == "beta") {
      beta_ran = unix_now_ms();
      co_return Status{};
    }
    acme_calls.push_back(unix_now_ms());
    if (acme_calls.size() == 1) {
      capped = job.id;
      co_return daily_cap_until(reset);
    }
    co_return Status{};
  });
  const auto first = f.enqueue("pull");
  const auto second = f.enqueue("pull");
  std::int64_t third = 0;
  RunnerOptions options;
  options.max_running = 1;
  auto& runner = f.make_runner(options);

  std::optional<queue::Job> parked_job, other_while_parked;
  std::string line_while_parked;
  int finished = 0;
  bool failed_reported = false;
  runner.on_change([&] {
    if (parked_job || !runner.rate_limited("acme")) return;
    parked_job = f.job(capped);
    other_while_parked = f.job(capped == first ? second : first);
    ConnectionStatus acme;
    acme.name = "acme";
    acme.rate_limited = runner.rate_limited("acme");
    DaemonStatus status;
    status.connections.push_back(acme);
    line_while_parked = status_line(status);
    third = f.enqueue("pull");  // enqueued during the park: held back without running
    f.enqueue("pull", 3, "beta");  // another connection carries on
    runner.wake();
  });
  runner.on_finished([&](const queue::Job&, const Status& s) {
    failed_reported = failed_reported || !s.ok();
    if (++finished == 4) f.io.stop();
  });
  runner.start();
  f.io.run_for(10s);

  REQUIRE(parked_job);
  CHECK(parked_job->state == queue::JobState::ready);
  CHECK(parked_job->attempts == 0);
  CHECK(parked_job->run_after_ms == reset);
  CHECK(other_while_parked->state == queue::JobState::ready);
  CHECK(other_while_parked->run_after_ms == reset);
  CHECK_THAT(line_while_parked, Catch::Contains("acme rate limited until"));
  CHECK_THAT(line_while_parked, Catch::EndsWith("(xero)"));
  CHECK(beta_ran > 0);
  CHECK(beta_ran < reset);

  CHECK(finished == 4);
  CHECK_FALSE(failed_reported);
  REQUIRE(acme_calls.size() == 4);  // the refused run, then the three jobs after the reset
  for (std::size_t i = 1; i < acme_calls.size(); ++i) CHECK(acme_calls[i] >= reset);
  for (auto id : {first, second, third}) {
    CHECK(f.job(id).state == queue::JobState::done);
    CHECK(f.job(id).attempts == 0);
  }
  CHECK_FALSE(runner.rate_limited("acme"));
  CHECK(captured.count("Connection acme is rate limited until ") == 1);
  const auto park_line = std::find_if(captured.records.begin(), captured.records.end(), [](const log::Record& r) {
    return r.message.find("is rate limited until") != std::string::npos;
  });
  REQUIRE(park_line != captured.records.end());
  CHECK(park_line->connection == "acme");
  CHECK(park_line->message.find(utc_timestamp(std::chrono::system_clock::time_point(std::chrono::milliseconds(reset)))) !=
        std::string::npos);
}

TEST_CASE("runner: a rate limit that is not a daily cap puts the job back shortly without counting an attempt") {
  Fixture f;
  CapturedLog captured;
  int calls = 0;
  f.registry.add("pull", [&](const queue::Job&) -> asio::awaitable<Status> {
    ++calls;
    co_return make_error(Errc::rate_limited, "Xero minute rate limit reached on contacts; retry after 1 s");
  });
  const auto id = f.enqueue("pull", 1);
  auto& runner = f.make_runner();
  bool finished_called = false;
  runner.on_finished([&](const queue::Job&, const Status&) { finished_called = true; });
  runner.on_change([&] {
    if (calls == 1 && runner.running() == 0) f.io.stop();
  });
  const std::int64_t before = unix_now_ms();
  runner.start();
  f.io.run_for(10s);

  REQUIRE(calls == 1);
  const auto job = f.job(id);
  CHECK(job.state == queue::JobState::ready);  // max_attempts 1: a failure would have made it dead
  CHECK(job.attempts == 0);
  CHECK(job.run_after_ms >= before + 4000);
  CHECK(job.run_after_ms <= unix_now_ms() + 6000);
  CHECK_FALSE(finished_called);
  CHECK_FALSE(runner.rate_limited("acme"));
  CHECK(captured.count("is rate limited until") == 0);
}

TEST_CASE("runner: a park days ahead (Retry-After 999999) is capped at max_park, then the jobs run again") {
  Fixture f;
  CapturedLog captured;
  std::vector<std::int64_t> calls;
  f.registry.add("pull", [&](const queue::Job&) -> asio::awaitable<Status> {
    calls.push_back(unix_now_ms());
    if (calls.size() == 1)
      co_return make_error(Errc::rate_limited, "capsule asked to wait 999999 s before the next request")
          .with_retry_at({unix_now_ms() + 999'999'000, true, "capsule"});
    co_return Status{};
  });
  const auto id = f.enqueue("pull", 1);
  RunnerOptions options;
  options.max_park = 1500ms;
  auto& runner = f.make_runner(options);
  std::optional<queue::Job> while_parked;
  std::optional<RateLimitWait> wait;
  std::int64_t parked_at = 0;
  runner.on_change([&] {
    if (while_parked || !runner.rate_limited("acme")) return;
    parked_at = unix_now_ms();
    wait = runner.rate_limited("acme");
    while_parked = f.job(id);
  });
  runner.on_finished([&](const queue::Job&, const Status&) { f.io.stop(); });
  runner.start();
  f.io.run_for(10s);

  REQUIRE(while_parked);
  CHECK(while_parked->state == queue::JobState::ready);  // not running, no lease held
  CHECK(while_parked->attempts == 0);
  CHECK(while_parked->run_after_ms <= parked_at + 1500);
  REQUIRE(wait);
  CHECK(wait->provider == "capsule");
  REQUIRE(calls.size() == 2);  // retried at the cap
  CHECK(calls[1] >= while_parked->run_after_ms);
  CHECK(f.job(id).state == queue::JobState::done);
  CHECK(captured.count("Connection acme is rate limited until ") == 1);
}

TEST_CASE("runner: a full disk pauses claiming until space is back, then the job runs again without counting an attempt") {
  test::FullDiskVfs vfs;  // before the fixture, so its database uses it
  Fixture f;
  REQUIRE(f.db->exec("CREATE TABLE written (x INTEGER)").ok());
  int pulls = 0, others = 0;
  f.registry.add("pull", [&](const queue::Job&) -> asio::awaitable<Status> {
    if (++pulls == 1) vfs.full = true;  // the disk fills up while the job writes
    co_return f.db->exec("INSERT INTO written VALUES (1)");
  });
  f.registry.add("other", [&](const queue::Job&) -> asio::awaitable<Status> {
    ++others;
    co_return Status{};
  });
  const auto pull = f.enqueue("pull", 1);  // one attempt: counting the full disk would kill it
  const auto other = f.enqueue("other", 1);
  auto& runner = f.make_runner({.max_running = 1});
  runner.start();

  // Until the disk has room again, the runner claims nothing, however long it waits.
  asio::steady_timer check(f.io);
  bool paused_seen = false;
  std::function<void()> poll = [&] {
    if (vfs.full && pulls == 1 && f.db->storage_full()) {
      paused_seen = true;
      CHECK(others == 0);
      vfs.full = false;  // space is back
    }
    if (f.job(pull).state == queue::JobState::done && f.job(other).state == queue::JobState::done) {
      f.io.stop();
      return;
    }
    check.expires_after(50ms);
    check.async_wait([&](boost::system::error_code) { poll(); });
  };
  poll();
  f.io.run_for(20s);

  CHECK(paused_seen);
  CHECK(pulls == 2);
  CHECK(others == 1);
  CHECK_FALSE(f.db->storage_full());
  const auto done = f.job(pull);
  CHECK(done.state == queue::JobState::done);
  CHECK(done.attempts == 0);
}
