#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "core/http/request.hpp"
#include "core/ratelimit/rate_limiter.hpp"
#include "core/ratelimit/sliding_window.hpp"
#include "core/ratelimit/sqlite_budget_store.hpp"
#include "core/store/database.hpp"
#include "test/unit/http/run.hpp"
#include "test/unit/store/temp_dir.hpp"
#include "connectors/registry/registry.hpp"

using namespace capsync;
using namespace capsync::ratelimit;
using namespace std::chrono_literals;

namespace {

struct Harness {
  boost::asio::io_context io;
  ManualClock clock;
  MemoryBudgetStore store;
  int caps = 0;
  std::optional<DailyCapReached> last_cap;

  RateLimiterOptions options(Limits limits) {
    RateLimiterOptions o;
    o.connection = "acme";
    o.limits = std::move(limits);
    o.clock = &clock;
    o.store = &store;
    o.on_daily_cap = [this](const DailyCapReached& c) {
      ++caps;
      last_cap = c;
    };
    return o;
  }

  // Starts an acquire; the returned flag says whether (and how) it finished.
  std::shared_ptr<std::optional<Status>> start(RateLimiter& limiter) {
    auto out = std::make_shared<std::optional<Status>>();
    test::spawn(io, [&limiter, out]() -> boost::asio::awaitable<void> {
      out->emplace(co_await limiter.acquire());
    });
    settle();
    return out;
  }
  void settle() {
    io.restart();
    io.poll();
  }
};

http::Response response(int status, http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST_CASE("SlidingWindow admits at most limit per window and times pending events at completion") {
  SlidingWindow w(3, 10s);
  std::chrono::steady_clock::time_point t{};
  for (int i = 0; i < 3; ++i) {
    CHECK(w.wait(t) == 0s);
    w.begin_pending();
  }
  CHECK_FALSE(w.wait(t));  // only a completion can make room
  w.complete(t + 1s);
  w.complete(t + 2s);
  w.complete(t + 3s);
  CHECK(w.wait(t + 5s) == 6s);  // the first completion leaves the window at 11 s
  CHECK(w.wait(t + 11s) == 0s);
  w.correct_remaining(t + 11s, 0);  // the server says none left
  CHECK(w.used(t + 11s) == 3);
}

TEST_CASE("Limiter admits the per-minute budget, then waits for the window") {
  Harness h;
  RateLimiter limiter(h.io.get_executor(), h.options({"test", {{"minute", 10, 60s, false}}, 0, HeaderStyle::none}));
  for (int i = 0; i < 10; ++i) {
    auto r = h.start(limiter);
    REQUIRE(r->has_value());
    limiter.release(nullptr);
  }
  auto blocked = h.start(limiter);
  CHECK_FALSE(blocked->has_value());
  h.clock.advance(59s);
  limiter.TEST_wake();
  h.settle();
  CHECK_FALSE(blocked->has_value());
  h.clock.advance(1s);
  limiter.TEST_wake();
  h.settle();
  REQUIRE(blocked->has_value());
  CHECK((*blocked)->ok());
  CHECK(limiter.status_line() == "test: 1/10 per minute");  // the first ten left the window
}

TEST_CASE("Limiter bounds concurrency and admits the next on release") {
  Harness h;
  RateLimiter limiter(h.io.get_executor(), h.options(registry::find("xero").value()->limits));
  for (int i = 0; i < 5; ++i) REQUIRE(h.start(limiter)->has_value());
  auto sixth = h.start(limiter);
  CHECK_FALSE(sixth->has_value());
  auto ok = response(200);
  limiter.release(&ok);
  h.settle();
  CHECK(sixth->has_value());
}

TEST_CASE("Remaining headers and Retry-After correct the limiter") {
  Harness h;
  RateLimiter limiter(h.io.get_executor(), h.options(registry::find("xero").value()->limits));
  REQUIRE(h.start(limiter)->has_value());
  auto r = response(200, {{"X-MinLimit-Remaining", "0"}, {"X-DayLimit-Remaining", "4000"}});
  limiter.release(&r);
  CHECK(limiter.status_line() == "xero: 60/60 per minute, 1,000/5,000 today");
  auto waiting = h.start(limiter);
  CHECK_FALSE(waiting->has_value());
  h.clock.advance(60s);
  limiter.TEST_wake();
  h.settle();
  REQUIRE(waiting->has_value());

  auto throttled = response(429, {{"Retry-After", "30"}, {"X-Rate-Limit-Problem", "minute"}});
  limiter.release(&throttled);
  CHECK(limiter.throttled() == 1);
  auto paused = h.start(limiter);
  CHECK_FALSE(paused->has_value());
  h.clock.advance(29s);
  limiter.TEST_wake();
  h.settle();
  CHECK_FALSE(paused->has_value());
  h.clock.advance(1s);
  limiter.TEST_wake();
  h.settle();
  CHECK(paused->has_value());
}

TEST_CASE("Capsule: Remaining 0 fills the hour, a 429 waits for X-RateLimit-Reset") {
  Harness h;
  RateLimiter limiter(h.io.get_executor(), h.options(registry::capsule_limits()));
  REQUIRE(h.start(limiter)->has_value());
  auto r = response(200, {{"X-RateLimit-Remaining", "0"}});
  limiter.release(&r);
  CHECK(limiter.status_line() == "capsule: 4,000/4,000 per hour");
  h.clock.advance(1h);
  REQUIRE(h.start(limiter)->has_value());
  auto reset = std::chrono::duration_cast<std::chrono::seconds>((h.clock.system_now() + 120s).time_since_epoch()).count();
  auto throttled = response(429, {{"X-RateLimit-Reset", std::to_string(reset)}});
  limiter.release(&throttled);
  auto waiting = h.start(limiter);
  CHECK_FALSE(waiting->has_value());
  h.clock.advance(115s);
  limiter.TEST_wake();
  h.settle();
  CHECK_FALSE(waiting->has_value());
  h.clock.advance(6s);
  limiter.TEST_wake();
  h.settle();
  CHECK(waiting->has_value());
}

TEST_CASE("A daily cap parks the connection: reported once, acquire refuses until the reset") {
  Harness h;
  RateLimiter limiter(h.io.get_executor(),
                      h.options({"xero", {{"minute", 60, 60s, false}, {"day", 3, 24h, true}}, 5, HeaderStyle::min_day_remaining}));
  for (int i = 0; i < 3; ++i) {
    REQUIRE(h.start(limiter)->has_value());
    limiter.release(nullptr);
  }
  auto refused = h.start(limiter);
  REQUIRE(refused->has_value());
  CHECK((*refused)->error().code() == Errc::rate_limited);
  // The error carries the reset, so the job runner can park the connection until then.
  const auto retry = (*refused)->error().with_context("pull contacts").retry_at();
  REQUIRE(retry);
  CHECK(retry->daily_cap);
  CHECK(retry->provider == "xero");
  auto unix_ms = [](std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  };
  auto again = h.start(limiter);
  REQUIRE(again->has_value());
  CHECK_FALSE((*again)->ok());
  CHECK(h.caps == 1);
  REQUIRE(h.last_cap);
  CHECK(h.last_cap->reset_at > h.clock.system_now() + 23h);
  CHECK(retry->unix_ms >= unix_ms(h.last_cap->reset_at));
  CHECK(retry->unix_ms < unix_ms(h.last_cap->reset_at) + 1000);
  CHECK(limiter.status_line().find("daily cap reached") != std::string::npos);
  h.clock.advance(24h);
  auto next_day = h.start(limiter);
  CHECK((*next_day)->ok());
}

TEST_CASE("A 429 day problem from the server triggers the daily cap once") {
  Harness h;
  RateLimiter limiter(h.io.get_executor(), h.options(registry::find("xero").value()->limits));
  REQUIRE(h.start(limiter)->has_value());
  auto r = response(429, {{"Retry-After", "3600"}, {"X-Rate-Limit-Problem", "Day"}});
  limiter.release(&r);
  for (int i = 0; i < 3; ++i) {
    auto refused = h.start(limiter);
    REQUIRE(refused->has_value());
    CHECK((*refused)->error().code() == Errc::rate_limited);
  }
  CHECK(h.caps == 1);
  CHECK(h.last_cap->reset_at >= h.clock.system_now() + 3599s);
}

TEST_CASE("The budget survives re-construction") {
  Harness h;
  {
    RateLimiter limiter(h.io.get_executor(), h.options(registry::find("xero").value()->limits));
    for (int i = 0; i < 40; ++i) {
      REQUIRE(h.start(limiter)->has_value());
      limiter.release(nullptr);
    }
  }  // destructor flushes
  CHECK(h.store.saves() >= 1);
  h.clock.advance(2min);
  RateLimiter restarted(h.io.get_executor(), h.options(registry::find("xero").value()->limits));
  CHECK(restarted.status_line() == "xero: 0/60 per minute, 40/5,000 today");
}

TEST_CASE("The budget survives a restart through the rate_budget table") {
  test::TempDir dir;  // removed with the database's -wal and -shm files
  const auto path = dir.file("capsync.db");
  Harness h;
  {
    auto db = store::Database::open(path, {});
    REQUIRE(db.ok());
    SqliteBudgetStore sqlite(**db);
    auto o = h.options(registry::find("xero").value()->limits);
    o.store = &sqlite;
    RateLimiter limiter(h.io.get_executor(), o);
    for (int i = 0; i < 25; ++i) {
      REQUIRE(h.start(limiter)->has_value());
      limiter.release(nullptr);
    }
    REQUIRE(limiter.flush().ok());
  }
  auto db = store::Database::open(path, {});
  REQUIRE(db.ok());
  SqliteBudgetStore sqlite(**db);
  auto o = h.options(registry::find("xero").value()->limits);
  o.store = &sqlite;
  RateLimiter restarted(h.io.get_executor(), o);
  CHECK(restarted.status_line() == "xero: 25/60 per minute, 25/5,000 today");
}

TEST_CASE("Capsule's X-RateLimit-Limit replaces the documented hourly limit, and survives a restart") {
  test::TempDir dir;
  const auto path = dir.file("capsync.db");
  Harness h;
  {
    auto db = store::Database::open(path, {});
    REQUIRE(db.ok());
    SqliteBudgetStore sqlite(**db);
    auto o = h.options(registry::capsule_limits());
    o.store = &sqlite;
    RateLimiter limiter(h.io.get_executor(), o);
    REQUIRE(h.start(limiter)->has_value());
    auto r = response(200, {{"X-RateLimit-Limit", "3"}, {"X-RateLimit-Remaining", "2"}});
    limiter.release(&r);
    CHECK(limiter.status_line() == "capsule: 1/3 per hour");
    // The declared limit holds requests back, not the documented 4,000.
    for (int i = 0; i < 2; ++i) {
      REQUIRE(h.start(limiter)->has_value());
      limiter.release(nullptr);
    }
    auto held = h.start(limiter);
    CHECK_FALSE(held->has_value());
    h.clock.advance(1h);
    limiter.TEST_wake();
    h.settle();
    REQUIRE(held->has_value());
    limiter.release(nullptr);
    REQUIRE(limiter.flush().ok());
    auto rows = sqlite.load("acme", "capsule");
    REQUIRE(rows.ok());
    REQUIRE(rows->size() == 1);
    CHECK(rows->front().limit == 3);
  }
  auto db = store::Database::open(path, {});
  REQUIRE(db.ok());
  SqliteBudgetStore sqlite(**db);
  auto o = h.options(registry::capsule_limits());
  o.store = &sqlite;
  RateLimiter restarted(h.io.get_executor(), o);
  CHECK(restarted.status_line().ends_with("/3 per hour"));
}

namespace {
std::int64_t unix_ms_of(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
}  // namespace

TEST_CASE("A server wait beyond the hold limit refuses at once, for at most an hour, then admits") {
  Harness h;
  RateLimiter limiter(h.io.get_executor(), h.options(registry::find("xero").value()->limits));
  REQUIRE(h.start(limiter)->has_value());
  auto throttled = response(429, {{"Retry-After", "999999"}, {"X-Rate-Limit-Problem", "minute"}});
  limiter.release(&throttled);
  // Not suspended for days while holding a job: refused, with when to come back.
  auto refused = h.start(limiter);
  REQUIRE(refused->has_value());
  REQUIRE_FALSE((*refused)->ok());
  CHECK((*refused)->error().code() == Errc::rate_limited);
  const auto retry = (*refused)->error().retry_at();
  REQUIRE(retry);
  CHECK(retry->daily_cap);  // the whole connection waits
  CHECK(retry->provider == "xero");
  CHECK(retry->unix_ms >= unix_ms_of(h.clock.system_now() + 1h));
  CHECK(retry->unix_ms <= unix_ms_of(h.clock.system_now() + 1h) + 1000);
  h.clock.advance(1h);
  auto later = h.start(limiter);
  REQUIRE(later->has_value());
  CHECK((*later)->ok());
}

TEST_CASE("Capsule: a reset days away is capped at an hour, scaled like the windows") {
  Harness h;
  auto options = h.options(registry::capsule_limits());
  options.time_scale = 100;  // an hour lasts 36 s
  RateLimiter limiter(h.io.get_executor(), std::move(options));
  REQUIRE(h.start(limiter)->has_value());
  const auto far = std::chrono::duration_cast<std::chrono::seconds>((h.clock.system_now() + 240h).time_since_epoch());
  auto throttled = response(429, {{"X-RateLimit-Reset", std::to_string(far.count())}});
  limiter.release(&throttled);
  auto refused = h.start(limiter);
  REQUIRE(refused->has_value());
  REQUIRE((*refused)->error().retry_at());
  CHECK((*refused)->error().retry_at()->unix_ms <= unix_ms_of(h.clock.system_now() + 37s));
  h.clock.advance(36s);
  auto later = h.start(limiter);
  REQUIRE(later->has_value());
  CHECK((*later)->ok());
}

TEST_CASE("A negative or garbage Retry-After on a 429 pauses briefly, as one without it") {
  for (const char* value : {"-30", "soon", "Thu, 99 Foo 2024 25:61:61 GMT"}) {
    Harness h;
    RateLimiter limiter(h.io.get_executor(), h.options(registry::find("freeagent").value()->limits));
    REQUIRE(h.start(limiter)->has_value());
    auto throttled = response(429, {{"Retry-After", value}});
    limiter.release(&throttled);
    auto paused = h.start(limiter);
    CHECK_FALSE(paused->has_value());  // held, not refused
    h.clock.advance(1s);
    limiter.TEST_wake();
    h.settle();
    CHECK(paused->has_value());
  }
}
