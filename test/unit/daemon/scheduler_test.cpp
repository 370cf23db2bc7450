#include "daemon/scheduler.hpp"
#include "daemon/tasks.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

using namespace capsync;
using namespace capsync::daemon;
using namespace std::chrono_literals;

TEST_CASE("jitter only lengthens a period, by at most five percent") {
  std::mt19937_64 rng(42);
  const std::chrono::milliseconds period = 2h;
  auto low = period * 2, high = std::chrono::milliseconds{0};
  for (int i = 0; i < 10'000; ++i) {
    const auto d = jittered(period, rng);
    REQUIRE(d >= period);
    REQUIRE(d <= period + std::chrono::milliseconds{static_cast<std::int64_t>(7'200'000 * 0.05)});
    low = std::min(low, d);
    high = std::max(high, d);
  }
  // The draws spread over the whole allowed range, so connections do not move in step.
  CHECK(low - period < 10s);
  CHECK(period + 360s - high < 10s);
}

TEST_CASE("jitter of a zero period is zero") {
  std::mt19937_64 rng(1);
  CHECK(jittered(0ms, rng) == 0ms);
}

TEST_CASE("an enabled connection gets pull, Capsule poll and full reconcile timers at its periods") {
  config::ConnectionConfig c;
  c.name = "acme";
  c.sync.interval = 30min;
  c.sync.capsule_poll = 5min;
  c.sync.full_reconcile = 24h;
  const auto s = schedules_for(c);
  REQUIRE(s.size() == 3);
  CHECK(s[0] == Schedule{"pull", 30min});
  CHECK(s[1] == Schedule{"capsule_poll", 5min});
  CHECK(s[2] == Schedule{"full_reconcile", 24h});
}

TEST_CASE("a disabled connection gets no timers") {
  config::ConnectionConfig c;
  c.enabled = false;
  CHECK(schedules_for(c).empty());
}

TEST_CASE("periodic jobs are deduplicated per kind and connection") {
  const auto pull = periodic_job(kind_pull, "acme");
  CHECK(pull.kind == "pull");
  CHECK(pull.connection == "acme");
  CHECK(pull.dedupe_key == "pull:acme");
  const auto full = periodic_job(kind_full_reconcile, "acme");
  CHECK(full.dedupe_key == "full_reconcile:acme");
  CHECK(full.priority < pull.priority);
}

TEST_CASE("huge periods wait long instead of wrapping into a busy loop") {
  // Periods of the reported incident: steady_clock holds about 292 years in nanoseconds, so
  // 200000 days wrapped into the past and every timer fired at once, again and again.
  boost::asio::io_context io;
  std::vector<std::string> kinds;
  Tasks tasks{io.get_executor(), [](const std::string&, const std::string&) {}};
  Scheduler scheduler(io.get_executor(), [&](const queue::JobSpec& spec) { kinds.push_back(spec.kind); }, tasks, 7);
  config::ConnectionConfig c;
  c.name = "acme";
  c.sync.interval = std::chrono::days{200000};
  c.sync.capsule_poll = std::chrono::days{110000};
  c.sync.full_reconcile = std::chrono::days{200000};
  scheduler.apply({c});
  // poll_one() runs one handler that is due now: timers in the future run nothing, whatever the
  // clock does, and a wrapped timer would be due again at every call.
  for (int i = 0; i < 200; ++i) io.poll_one();
  CHECK(kinds == std::vector<std::string>{"pull", "capsule_poll"});  // the initial sync only
  scheduler.stop();
  io.poll();
}

TEST_CASE("jitter of a period beyond the longest timer is that of the longest timer") {
  std::mt19937_64 rng(3);
  const auto d = jittered(std::chrono::milliseconds::max(), rng);
  CHECK(d >= max_timer_period);
  CHECK(d <= max_timer_period + max_timer_period / 20);
}
