#include "core/metrics/process_metrics.hpp"

#include <string>

#include "core/version/version.hpp"

namespace capsync::metrics {

ProcessMetrics::ProcessMetrics()
    : http_requests(registry.counter("capsync_http_requests_total",
                                     "Requests sent to provider APIs and token endpoints, each attempt once, by "
                                     "HTTP status (\"error\": no complete response).",
                                     {"connection", "provider", "status"})),
      http_rate_limited(registry.counter("capsync_http_rate_limited_total",
                                         "Provider API requests answered 429 Too Many Requests.",
                                         {"connection", "provider"})),
      // From a no-change poll (well under a second) to a first sync of thousands of records.
      job_duration(registry.histogram("capsync_job_duration_seconds", "How long a job's handler ran, by job kind and "
                                      "outcome (ok, error, rate_limited).",
                                      {"kind", "outcome"},
                                      {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800})),
      webhook_deliveries(registry.counter("capsync_webhook_deliveries_total",
                                          "Webhook deliveries answered, by source (xero, freshbooks, capsule) and "
                                          "outcome (accepted, verified, forged, dropped, malformed, error).",
                                          {"source", "outcome"})) {}

ProcessMetrics& process_metrics() {
  static ProcessMetrics metrics;
  return metrics;
}

void count_http_attempt(const std::string& connection, const std::string& provider, int status) {
  ProcessMetrics& m = process_metrics();
  m.http_requests.with({connection, provider, status == 0 ? std::string("error") : std::to_string(status)}).inc();
  if (status == 429) m.http_rate_limited.with({connection, provider}).inc();
}

Family build_info() {
  Family f{"capsync_build_info", "The running capsyncd's version and the git revision it was built from; always 1.",
           Type::gauge, {}};
  f.add({{"version", std::string(version::project)}, {"revision", std::string(version::git)}}, 1);
  return f;
}

}  // namespace capsync::metrics
