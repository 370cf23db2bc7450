// http_bench: requests/s through http::Client to the sandbox over loopback keep-alive on one
// thread, against the same requests on a fresh connection each (the ratio is the figure), and
// the rate limiter's utilisation (achieved ÷ allowed) with its 429 count, against Capsule's hourly
// limit and against Xero's minute, day and concurrency limits, both compressed by --time-scale.
//   http_bench [requests]   (needs capsync-sandbox; path from CMake or $CAPSYNC_SANDBOX)

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "core/http/client.hpp"
#include "core/ratelimit/rate_limiter.hpp"
#include "test/unit/http/run.hpp"
#include "test/unit/http/sandbox_process.hpp"
#include "test/unit/ratelimit/xero_burst.hpp"

using namespace capsync;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

std::string write_seed(int per_hour) {
  auto path = (std::filesystem::temp_directory_path() / fmt::format("capsync-bench-{}-{}.json", getpid(), per_hour)).string();
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) std::exit(2);
  std::fputs(fmt::format(R"({{"capsule":{{"tokens":["bench"],"rateLimitPerHour":{},)"
                         R"("users":[{{"id":1,"username":"u","name":"U"}}],"teams":[{{"id":1,"name":"Sales"}}]}}}})",
                         per_hour).c_str(), f);
  std::fclose(f);
  return path;
}

http::Request users(const std::string& base) {
  http::Request r;
  r.url = base + "/capsule/api/v2/users";
  r.bearer = Secret("bench");
  return r;
}

// Sequential requests on one coroutine; fresh = the pooled connection is closed after each.
double requests_per_second(const std::string& base, int n, bool fresh) {
  asio::io_context io;
  http::Client shared(io.get_executor(), {});
  int failures = 0;
  auto start = std::chrono::steady_clock::now();
  test::run(io, [&]() -> asio::awaitable<int> {
    for (int i = 0; i < n; ++i) {
      auto r = co_await shared.send(users(base));
      failures += !r || r->status != 200;
      if (fresh) shared.close_idle();  // the next request opens a new connection
    }
    co_return 0;
  }());
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failures) fmt::print(stderr, "warning: {} failed requests\n", failures);
  return n / s;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 3000;
  {
    auto seed = write_seed(1'000'000'000);
    test::SandboxProcess sandbox({"--seed", seed});
    requests_per_second(sandbox.base_url(), 200, false);  // warm-up
    double keep = requests_per_second(sandbox.base_url(), n, false);
    double fresh = requests_per_second(sandbox.base_url(), n, true);
    fmt::print("http keep-alive: {:.0f} req/s; fresh connection each: {:.0f} req/s; ratio {:.2f}x ({} requests, one thread)\n",
               keep, fresh, keep / fresh, n);
    std::filesystem::remove(seed);
  }
  {
    // Capsule at 100/hour with the hour compressed to 1 s: 1,000 requests need 10 windows.
    auto seed = write_seed(100);
    test::SandboxProcess sandbox({"--seed", seed, "--time-scale", "3600"});
    asio::io_context io;
    http::ClientOptions copts;
    copts.retry.max_attempts = 1;
    http::Client client(io.get_executor(), copts);
    ratelimit::RateLimiterOptions lopts;
    lopts.connection = "bench";
    lopts.limits = {"capsule", {{"hour", 100, 1h, false}}, 0, ratelimit::HeaderStyle::ratelimit_remaining};
    lopts.time_scale = 3600;
    ratelimit::RateLimiter limiter(io.get_executor(), lopts);
    const int total = 1000;
    int started = 0, finished = 0, throttled = 0;
    std::chrono::steady_clock::time_point first{}, last{};
    for (int w = 0; w < 8; ++w)
      test::spawn(io, [&]() -> asio::awaitable<void> {
        while (started < total) {
          ++started;
          auto req = users(sandbox.base_url());
          req.gate = &limiter;
          auto r = co_await client.send(std::move(req));
          auto now = std::chrono::steady_clock::now();
          if (first == std::chrono::steady_clock::time_point{}) first = now;
          last = now;
          ++finished;
          throttled += r && r->status == 429;
        }
      });
    io.run_for(120s);
    double elapsed = std::chrono::duration<double>(last - first).count();
    double allowed = 100.0 * (std::floor(elapsed) + 1.0);
    fmt::print("limiter: {} requests in {:.2f} s against 100 per 1 s window; utilisation {:.3f}; 429s {}\n", finished,
               elapsed, finished / allowed, throttled);
    std::filesystem::remove(seed);
  }
  {
    // Xero's 60/min, 5,000/day, 5 in flight with the minute compressed to 300 ms (200 requests/s),
    // as in the limiter's test.
    test::SandboxProcess sandbox({"--time-scale", "200"});
    auto r = test::xero_burst(sandbox.base_url(), 1000, 200);
    fmt::print("limiter (xero): {} of 1000 requests in {:.2f} s against 60 per 300 ms window and 5 in flight "
               "({:.2f} ms each); utilisation {:.3f} of the {}; 429s {}\n",
               r.ok, r.elapsed_s, r.mean_latency_ms, r.utilisation(), r.binding(), r.throttled);
  }
}
