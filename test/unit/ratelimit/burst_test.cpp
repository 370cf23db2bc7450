#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <unistd.h>

#include "core/http/client.hpp"
#include "core/ratelimit/rate_limiter.hpp"
#include "test/unit/http/sandbox_process.hpp"

using namespace capsync;
using namespace std::chrono_literals;

// 1,000 requests through the limiter against the sandbox's Capsule API with a compressed hour:
// 100 requests/hour at --time-scale 3600 = 100 per second. Proves no 429s and >= 95% utilisation.
TEST_CASE("A burst of 1,000 requests stays under the sandbox's limit and uses at least 95% of it") {
  if (test::sandbox_path().empty()) {
    WARN("capsync-sandbox is not part of this build");
    return;
  }
  const std::string seed = (std::filesystem::temp_directory_path() / ("capsync-burst-" + std::to_string(getpid()) + ".json")).string();
  {
    FILE* f = std::fopen(seed.c_str(), "w");
    REQUIRE(f);
    std::fputs(R"({"capsule":{"tokens":["burst-token"],"rateLimitPerHour":100,)"
               R"("users":[{"id":1,"username":"u","name":"U"}],"teams":[{"id":1,"name":"Sales"}]}})", f);
    std::fclose(f);
  }
  test::SandboxProcess sandbox({"--seed", seed, "--time-scale", "3600"});
  boost::asio::io_context io;
  http::ClientOptions copts;
  copts.retry.max_attempts = 1;  // a 429 must show up, not be retried away
  http::Client client(io.get_executor(), copts);
  ratelimit::RateLimiterOptions lopts;
  lopts.connection = "burst";
  lopts.limits = {"capsule", {{"hour", 100, 1h, false}}, 0, ratelimit::HeaderStyle::capsule};
  lopts.time_scale = 3600;
  ratelimit::RateLimiter limiter(io.get_executor(), lopts);

  const int total = 1000;
  int started = 0, ok = 0, throttled = 0, failed = 0;
  std::chrono::steady_clock::time_point first{}, last{};
  auto worker = [&]() -> boost::asio::awaitable<void> {
    while (started < total) {
      ++started;
      http::Request r;
      r.url = sandbox.base_url() + "/capsule/api/v2/users";
      r.bearer = Secret("burst-token");
      r.gate = &limiter;
      auto res = co_await client.send(std::move(r));
      auto now = std::chrono::steady_clock::now();
      if (first == std::chrono::steady_clock::time_point{}) first = now;
      last = now;
      if (!res) ++failed;
      else if (res->status == 429) ++throttled;
      else if (res->status == 200) ++ok;
      else ++failed;
    }
  };
  for (int i = 0; i < 8; ++i) boost::asio::co_spawn(io, worker(), boost::asio::detached);
  io.run_for(60s);
  std::filesystem::remove(seed);

  CHECK(throttled == 0);
  CHECK(failed == 0);
  REQUIRE(ok == total);
  // The server's fixed windows are 1 s long; every window we touched allowed 100 requests.
  double elapsed_s = std::chrono::duration<double>(last - first).count();
  double allowed = 100.0 * (std::floor(elapsed_s) + 1.0);
  double utilisation = total / allowed;
  INFO("elapsed " << elapsed_s << " s, utilisation " << utilisation);
  CHECK(utilisation >= 0.95);
  WARN("burst: " << total << " requests in " << elapsed_s << " s, utilisation " << utilisation << ", 429s " << throttled);
}
