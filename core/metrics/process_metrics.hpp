#pragma once
// The metrics capsyncd updates as it works, in one process-wide registry (as a Prometheus
// client's default registry): provider requests counted where they are sent, job durations
// where jobs run. The gauges of queue, conflicts and last sync are read at scrape time
// instead (daemon/metrics_page.hpp).

#include "core/metrics/exposition.hpp"
#include "core/metrics/registry.hpp"

namespace capsync::metrics {

struct ProcessMetrics {
  ProcessMetrics();
  ProcessMetrics(const ProcessMetrics&) = delete;
  ProcessMetrics& operator=(const ProcessMetrics&) = delete;

  Registry registry;
  // capsync_http_requests_total{connection,provider,status}: one per attempt sent to a provider
  // API or token endpoint; status is the HTTP status, or "error" when no complete answer came (reset, timeout,
  // TLS failure, cut body).
  CounterFamily& http_requests;
  // capsync_http_rate_limited_total{connection,provider}: the attempts answered 429.
  CounterFamily& http_rate_limited;
  // capsync_job_duration_seconds{kind,outcome}: outcome "ok", "error" or "rate_limited".
  HistogramFamily& job_duration;
  // capsync_webhook_deliveries_total{source,outcome}: webhook POSTs answered (R27); outcome as
  // daemon/webhook_listener.hpp names it (accepted, verified, forged, dropped, malformed, error).
  CounterFamily& webhook_deliveries;
};

ProcessMetrics& process_metrics();

// Counts one attempt of a provider request; status 0 when no complete response arrived.
void count_http_attempt(const std::string& connection, const std::string& provider, int status);

// capsync_build_info{version,revision} 1 (revision: `git describe` of the build, empty outside git).
Family build_info();

}  // namespace capsync::metrics
