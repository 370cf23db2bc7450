#include "test/unit/ratelimit/xero_burst.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "core/http/client.hpp"
#include "core/oauth/token_manager.hpp"
#include "core/oauth/token_store.hpp"
#include "connectors/registry/registry.hpp"
#include "core/ratelimit/limits.hpp"
#include "core/ratelimit/rate_limiter.hpp"
#include "test/unit/http/run.hpp"

namespace capsync::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

constexpr const char* kTenant = "b0a1c2d3-0000-4000-8000-000000000001";  // seeds/empty.json

// Passes through to the limiter and sums how long admitted requests hold their slot:
// sum(release times) - sum(admission times), whatever order they finish in.
class TimedGate final : public http::RequestGate {
 public:
  TimedGate(http::RequestGate& inner, steady::time_point base) : inner_(inner), base_(base) {}

  asio::awaitable<Status> acquire() override {
    auto admitted = co_await inner_.acquire();
    if (admitted) held_ -= steady::now() - base_;
    co_return admitted;
  }
  void release(const http::Response* response) override {
    held_ += steady::now() - base_;
    ++released_;
    inner_.release(response);
  }
  double mean_held_ms() const {
    return released_ ? std::chrono::duration<double, std::milli>(held_).count() / released_ : 0.0;
  }

 private:
  http::RequestGate& inner_;
  steady::time_point base_;
  steady::duration held_{0};
  int released_ = 0;
};

}  // namespace

double BurstResult::allowed() const { return std::min(allowed_by_minute, allowed_by_concurrency); }

const char* BurstResult::binding() const {
  return allowed_by_minute <= allowed_by_concurrency ? "minute window" : "requests in flight";
}

BurstResult xero_burst(const std::string& base_url, int requests, double time_scale, int workers) {
  asio::io_context io;
  http::ClientOptions copts;
  copts.retry.max_attempts = 1;              // a 429 must show up, not be retried away
  copts.max_connections_per_host = workers;  // only the limiter bounds concurrency
  http::Client client(io.get_executor(), copts);

  oauth::MemoryTokenStore tokens;
  oauth::TokenManagerOptions topts;
  topts.connection = "burst";
  topts.profile = registry::find("xero").value()->oauth;
  topts.profile.token_url = base_url + "/xero-identity/connect/token";
  topts.profile.client_id = "sandbox-client-id";
  topts.profile.client_secret = Secret("sandbox-client-secret");
  topts.bootstrap_refresh_token = Secret("xero-sandbox-refresh-token");
  topts.refresh_margin = 1s;  // access tokens last 1800 s / time_scale
  oauth::TokenManager token_manager(io.get_executor(), client, tokens, topts);

  BurstResult out;
  if (!run(io, token_manager.access_token())) {
    out.failed = requests;
    return out;
  }

  const ratelimit::Limits limits = registry::find("xero").value()->limits;
  ratelimit::RateLimiterOptions lopts;
  lopts.connection = "burst";
  lopts.limits = limits;
  lopts.time_scale = time_scale;
  ratelimit::RateLimiter limiter(io.get_executor(), lopts);

  const auto start = steady::now();
  TimedGate gate(limiter, start);
  steady::time_point last = start;
  int started = 0;
  auto worker = [&]() -> asio::awaitable<void> {
    while (started < requests) {
      ++started;
      auto token = co_await token_manager.access_token();
      if (!token) {
        ++out.failed;
        continue;
      }
      http::Request r;
      r.url = base_url + "/xero/api.xro/2.0/Contacts?page=1";
      r.headers = {{"xero-tenant-id", kTenant}, {"Accept", "application/json"}};
      r.bearer = *token;
      r.gate = &gate;
      auto res = co_await client.send(std::move(r));
      last = steady::now();
      if (res && res->status == 429) ++out.throttled;
      else if (res && res->status == 200) ++out.ok;
      else ++out.failed;
    }
  };
  for (int i = 0; i < workers; ++i) test::spawn(io, worker());
  io.restart();
  io.run_for(120s);

  out.elapsed_s = std::chrono::duration<double>(last - start).count();
  out.mean_latency_ms = gate.mean_held_ms();
  // The server counts the minute in fixed windows that open at the first request after the last
  // one closed, so in elapsed_s it accepts at most limit * (1 + elapsed / window) requests.
  const auto& minute = *std::find_if(limits.windows.begin(), limits.windows.end(),
                                     [](const ratelimit::Window& w) { return w.name == "minute"; });
  const double window_s = std::chrono::duration<double>(minute.length).count() / time_scale;
  out.allowed_by_minute = static_cast<double>(minute.limit) * (1.0 + out.elapsed_s / window_s);
  // With at most max_concurrent in flight, each holding its slot for the mean latency.
  out.allowed_by_concurrency =
      out.mean_latency_ms > 0 ? limits.max_concurrent * (1.0 + out.elapsed_s * 1000.0 / out.mean_latency_ms) : 0.0;
  return out;
}

}  // namespace capsync::test
