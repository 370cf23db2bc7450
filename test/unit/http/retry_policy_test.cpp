#include <catch2/catch.hpp>

#include "core/http/retry_policy.hpp"
#include "core/http/url.hpp"

using namespace capsync;
using namespace capsync::http;
using namespace std::chrono_literals;

TEST_CASE("Retry-After accepts seconds and HTTP-dates") {
  auto now = *parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(parse_retry_after("120", now) == std::chrono::milliseconds(120000));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now) == std::chrono::milliseconds(30000));
  CHECK_FALSE(parse_retry_after("soon", now));
}

TEST_CASE("A 429 without Retry-After waits for X-RateLimit-Reset") {
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  Response r;
  r.status = 429;
  r.headers = {{"X-RateLimit-Reset", "1700000042"}};
  CHECK(server_delay(r, now) == std::chrono::milliseconds(42000));
}

TEST_CASE("Backoff is full jitter under an exponential cap") {
  RetryPolicy p;
  p.base_delay = 100ms;
  p.max_delay = 1000ms;
  std::mt19937_64 rng(7);
  for (int attempt = 1; attempt <= 8; ++attempt)
    for (int i = 0; i < 50; ++i) {
      auto d = backoff_delay(p, attempt, rng);
      CHECK(d >= 0ms);
      CHECK(d <= std::min(1000ms, std::chrono::milliseconds(100 << (attempt - 1))));
    }
}

TEST_CASE("Only idempotent or marked requests may be retried") {
  Request r;
  CHECK(may_retry(r));
  r.method = Method::post;
  CHECK_FALSE(may_retry(r));
  r.idempotency_key = "k";
  CHECK(may_retry(r));
  r.idempotency_key.clear();
  r.retry_safe = true;
  CHECK(may_retry(r));
  r.retry_safe = false;
  CHECK(may_retry_after(r, 429));
  CHECK_FALSE(may_retry_after(r, 503));
}

TEST_CASE("Logged targets hide secret query values") {
  CHECK(loggable_target("/a?code=abc&state=s1&page=2") == "/a?code=<redacted>&state=s1&page=2");
  CHECK(loggable_target("/a?access_token=x") == "/a?access_token=<redacted>");
  CHECK(loggable_target("/plain") == "/plain");
}

TEST_CASE("URLs: loopback rule and ports") {
  CHECK(parse_url("http://127.0.0.1:8080/x?y=1")->target == "/x?y=1");
  CHECK(parse_url("http://[::1]:9/")->host == "::1");
  CHECK(parse_url("https://api.xero.com")->port == 443);
  CHECK_FALSE(parse_url("http://10.0.0.1/").ok());
  CHECK_FALSE(parse_url("ftp://127.0.0.1/").ok());
}

TEST_CASE("Retry-After beyond an hour, negative, far-off or garbage is bounded or ignored") {
  auto now = *parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(parse_retry_after("999999", now) == max_server_wait);
  CHECK(parse_retry_after("99999999999999999", now) == max_server_wait);  // would overflow in milliseconds
  CHECK(parse_retry_after("1e300", now) == max_server_wait);
  CHECK(parse_retry_after("inf", now) == max_server_wait);
  CHECK(parse_retry_after("3600", now) == max_server_wait);
  CHECK(parse_retry_after("3599", now) == std::chrono::seconds(3599));
  CHECK_FALSE(parse_retry_after("-5", now));
  CHECK_FALSE(parse_retry_after("-0.5", now));
  CHECK_FALSE(parse_retry_after("nan", now));
  CHECK_FALSE(parse_retry_after("12 seconds", now));
  CHECK_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37", now));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now) == std::chrono::milliseconds(0));  // passed
  CHECK(parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", now) == max_server_wait);
  CHECK(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == max_server_wait);

  Response r;
  r.status = 429;
  r.headers = {{"X-RateLimit-Reset", "99999999999999"}};
  CHECK(server_delay(r, now) == max_server_wait);
  r.headers = {{"Retry-After", "garbage"}, {"X-RateLimit-Reset", "-1"}};
  CHECK_FALSE(server_delay(r, now));
}
