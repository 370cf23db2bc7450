#include "daemon/metrics_page.hpp"

#include <chrono>
#include <optional>
#include <vector>

#include "core/metrics/process_metrics.hpp"
#include "core/queue/job_queue.hpp"
#include "daemon/admin_status.hpp"
#include "daemon/scheduler.hpp"

namespace capsync::daemon {

namespace {

// When a sync job (pull, Capsule poll or full reconcile) of the connection last ended done,
// in unix ms; nullopt if none has within queue.retention or the queue cannot be read.
std::optional<std::int64_t> last_successful_sync_ms(store::Database& db, const std::string& connection) {
  const std::string_view syncs[] = {kind_pull, kind_capsule_poll, kind_full_reconcile};
  auto times = queue::JobQueue(db).times(connection, syncs);
  if (!times) return std::nullopt;
  return times->last_done;
}

}  // namespace

std::string metrics_page(store::Database& db, const config::Config& config, const DaemonStatus& status) {
  using metrics::Family;
  using metrics::Type;
  Family queue{"capsync_queue_jobs", "Jobs in the queue by state (done ones are kept for queue.retention).",
               Type::gauge, {}};
  Family conflicts{"capsync_conflicts_open", "Open conflicts (capsyncctl conflicts) waiting for a person.", Type::gauge,
                   {}};
  Family last_sync{"capsync_last_successful_sync_timestamp_seconds",
                   "When a sync of the connection last ended without error, in unix seconds.", Type::gauge, {}};
  const auto now = std::chrono::system_clock::now();
  for (const auto& c : status.connections) {
    const std::pair<const char*, std::int64_t> states[] = {
        {"ready", c.queue.ready}, {"running", c.queue.running}, {"done", c.queue.done}, {"dead", c.queue.dead}};
    for (const auto& [state, count] : states)
      queue.add({{"connection", c.name}, {"state", state}}, static_cast<double>(count));
    for (const auto& cc : config.connections) {
      if (cc.name != c.name) continue;
      const ConnectionReport report = read_connection_report(db, cc, now);
      conflicts.add({{"connection", c.name}}, static_cast<double>(report.conflicts));
    }
    if (auto ms = last_successful_sync_ms(db, c.name))
      last_sync.add({{"connection", c.name}}, static_cast<double>(*ms) / 1000.0);
  }
  std::vector<Family> families = metrics::process_metrics().registry.collect();
  families.push_back(std::move(queue));
  families.push_back(std::move(conflicts));
  families.push_back(std::move(last_sync));
  families.push_back(metrics::build_info());
  return metrics::write_text(std::move(families));
}

}  // namespace capsync::daemon
