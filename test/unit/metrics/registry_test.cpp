// Counters and histograms of the registry as a scrape sees them.
#include "core/metrics/registry.hpp"

#include <thread>
#include <vector>

#include <catch2/catch.hpp>

using namespace capsync::metrics;

TEST_CASE("a counter series per label values, created at first use and counted exactly", "[metrics]") {
  Registry registry;
  CounterFamily& requests = registry.counter("x_requests_total", "Requests.", {"provider", "status"});
  requests.with({"xero", "200"}).inc();
  requests.with({"xero", "200"}).inc(2);
  requests.with({"capsule", "error"}).inc();
  CHECK(&requests.with({"xero", "200"}) == &requests.with({"xero", "200"}));
  CHECK(requests.with({"xero", "200"}).value() == 3);
  CHECK(write_text(registry.collect()) ==
        "# HELP x_requests_total Requests.\n"
        "# TYPE x_requests_total counter\n"
        "x_requests_total{provider=\"capsule\",status=\"error\"} 1\n"
        "x_requests_total{provider=\"xero\",status=\"200\"} 3\n");
  CHECK_THROWS_AS(requests.with({"xero"}), std::invalid_argument);
}

TEST_CASE("counters count every increment from several threads", "[metrics]") {
  Registry registry;
  CounterFamily& family = registry.counter("x_total", "X.", {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) family.with({"same"}).inc();
    });
  for (auto& t : threads) t.join();
  CHECK(family.with({"same"}).value() == 40000);
}

TEST_CASE("histogram buckets are cumulative, end in +Inf, and come with _sum and _count", "[metrics]") {
  Registry registry;
  HistogramFamily& durations = registry.histogram("x_seconds", "Durations.", {"kind"}, {1, 0.5, 5});
  Histogram& pull = durations.with({"pull"});
  for (double v : {0.1, 0.5, 0.75, 3.0, 60.0}) pull.observe(v);  // 0.5 falls in le="0.5"
  durations.with({"export"}).observe(2);
  CHECK(write_text(registry.collect()) ==
        "# HELP x_seconds Durations.\n"
        "# TYPE x_seconds histogram\n"
        "x_seconds_bucket{kind=\"export\",le=\"0.5\"} 0\n"
        "x_seconds_bucket{kind=\"export\",le=\"1\"} 0\n"
        "x_seconds_bucket{kind=\"export\",le=\"5\"} 1\n"
        "x_seconds_bucket{kind=\"export\",le=\"+Inf\"} 1\n"
        "x_seconds_sum{kind=\"export\"} 2\n"
        "x_seconds_count{kind=\"export\"} 1\n"
        "x_seconds_bucket{kind=\"pull\",le=\"0.5\"} 2\n"
        "x_seconds_bucket{kind=\"pull\",le=\"1\"} 3\n"
        "x_seconds_bucket{kind=\"pull\",le=\"5\"} 4\n"
        "x_seconds_bucket{kind=\"pull\",le=\"+Inf\"} 5\n"
        "x_seconds_sum{kind=\"pull\"} 64.35\n"
        "x_seconds_count{kind=\"pull\"} 5\n");
}
