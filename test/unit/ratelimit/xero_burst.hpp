#pragma once
// A burst of requests through http::Client and a RateLimiter built from Xero's documented limits
// (default_limits("xero")) against the sandbox's Xero API, whose windows are compressed by its
// --time-scale. Shared by the limiter's test and the HTTP benchmark.

#include <string>

namespace capsync::test {

struct BurstResult {
  int ok = 0;              // 200 answers
  int throttled = 0;       // 429 answers
  int failed = 0;          // any other answer or a transport error
  double elapsed_s = 0;    // from the first request's start to the last answer
  double mean_latency_ms = 0;  // admission to answer, averaged
  // What each Xero limit would have let through in elapsed_s; the smaller one binds.
  double allowed_by_minute = 0;
  double allowed_by_concurrency = 0;
  double allowed() const;
  const char* binding() const;
  double utilisation() const { return ok / allowed(); }  // achieved ÷ allowed
};

// `base_url`: a sandbox started with --time-scale `time_scale` and the credentials of
// seeds/empty.json (its default). `workers` coroutines send `requests` GETs between them.
BurstResult xero_burst(const std::string& base_url, int requests, double time_scale, int workers = 8);

}  // namespace capsync::test
