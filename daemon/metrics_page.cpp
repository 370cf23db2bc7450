#include "daemon/metrics_page.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

#include "core/metrics/process_metrics.hpp"
#include "core/queue/job_queue.hpp"
#include "daemon/admin_status.hpp"
#include "daemon/scheduler.hpp"

namespace capsync::daemon {

namespace {

using metrics::Labels;

constexpr engine::SyncPhase kPhases[] = {engine::SyncPhase::reading_capsule, engine::SyncPhase::reading_accounting,
                                         engine::SyncPhase::reconciling, engine::SyncPhase::writing_capsule,
                                         engine::SyncPhase::pushing_accounting};

// When a sync job (pull, Capsule poll or full reconcile) of the connection last ended done,
// in unix ms; nullopt if none has within queue.retention or the queue cannot be read.
std::optional<std::int64_t> last_successful_sync_ms(store::Database& db, const std::string& connection) {
  const std::string_view syncs[] = {kind_pull, kind_capsule_poll, kind_full_reconcile};
  auto times = queue::JobQueue(db).times(connection, syncs);
  if (!times) return std::nullopt;
  return times->last_done;
}

}  // namespace

std::string metrics_page(store::Database& db, const config::Config& config, const DaemonStatus& status,
                         const std::function<std::string(const std::string&)>& capsule_auth) {
  using metrics::Family;
  using metrics::Type;
  Family queue{"capsync_queue_jobs", "Jobs in the queue by state (done ones are kept for queue.retention).",
               Type::gauge, {}};
  Family conflicts{"capsync_conflicts_open", "Open conflicts (capsyncctl conflicts) waiting for a person.", Type::gauge,
                   {}};
  Family last_sync{"capsync_last_successful_sync_timestamp_seconds",
                   "When a sync of the connection last ended without error, in unix seconds.", Type::gauge, {}};
  Family running{"capsync_sync_running", "1 while a sync of the connection runs, else 0.", Type::gauge, {}};
  Family phase{"capsync_sync_phase", "The running sync's phase: 1 for the phase it is in.", Type::gauge, {}};
  Family ratio{"capsync_sync_progress_ratio",
               "How far the running sync's phase has got, 0 to 1; 0 while its total is not known.", Type::gauge, {}};
  Family done{"capsync_sync_progress_done", "Records the running sync's phase has handled so far.", Type::gauge, {}};
  Family writes{"capsync_sync_writes", "Changes the running sync made (done) and expects to make in all (planned).",
                Type::gauge, {}};
  Family eta{"capsync_sync_eta_seconds",
             "When the running sync will end, in seconds from now, from its work left and the rate limit that bounds "
             "it.",
             Type::gauge, {}};
  Family interval{"capsync_sync_interval_seconds", "The connection's configured sync interval (sync.interval).",
                  Type::gauge, {}};
  Family budget_left{"capsync_rate_limit_remaining", "Requests left in the current rate-limit window.", Type::gauge, {}};
  Family budget_limit{"capsync_rate_limit_limit", "Requests a rate-limit window allows.", Type::gauge, {}};
  Family authorized{"capsync_authorized",
                    "1 while the service accepts the connection's credentials, 0 when it needs authorization or "
                    "rejected them.",
                    Type::gauge, {}};
  const auto now = std::chrono::system_clock::now();
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  for (const auto& c : status.connections) {
    // A 429 counter reads 0 before the first 429 rather than missing, so rate() and alerts see it.
    for (const auto& provider : {std::string("capsule"), c.provider})
      metrics::process_metrics().http_rate_limited.with({c.name, provider});
    // Every connection has these series, zero while no sync runs, so alerts and panels see
    // a stall as a flat line rather than a missing series.
    const engine::SyncProgress p = c.progress.value_or(engine::SyncProgress{});
    running.add({{"connection", c.name}}, c.progress ? 1 : 0);
    for (const auto each : kPhases)
      phase.add({{"connection", c.name}, {"phase", std::string(engine::phase_name(each))}},
                c.progress && p.phase == each ? 1 : 0);
    ratio.add({{"connection", c.name}},
              p.total && *p.total > 0 ? static_cast<double>(std::min(p.done, *p.total)) / static_cast<double>(*p.total)
                                      : 0);
    done.add({{"connection", c.name}}, static_cast<double>(p.done));
    writes.add({{"connection", c.name}, {"state", "done"}}, static_cast<double>(p.writes_done));
    writes.add({{"connection", c.name}, {"state", "planned"}}, static_cast<double>(p.writes_planned));
    const std::pair<const char*, std::int64_t> states[] = {
        {"ready", c.queue.ready}, {"running", c.queue.running}, {"done", c.queue.done}, {"dead", c.queue.dead}};
    for (const auto& [state, count] : states)
      queue.add({{"connection", c.name}, {"state", state}}, static_cast<double>(count));
    for (const auto& cc : config.connections) {
      if (cc.name != c.name) continue;
      const ConnectionReport report = read_connection_report(db, cc, now);
      conflicts.add({{"connection", c.name}}, static_cast<double>(report.conflicts));
      interval.add({{"connection", c.name}},
                   static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(cc.sync.interval).count()));
      for (const auto& b : report.budgets) {
        const Labels labels{{"connection", c.name}, {"provider", b.provider}, {"window", b.window}};
        budget_left.add(labels, static_cast<double>(b.left));
        budget_limit.add(labels, static_cast<double>(b.limit));
      }
      // 0 when no sync runs; none while a running sync's work left is not known yet.
      if (!c.progress)
        eta.add({{"connection", c.name}}, 0);
      else if (auto e = engine::estimate_eta(*c.progress, budget_windows(report.budgets), c.provider, now_ms))
        eta.add({{"connection", c.name}}, static_cast<double>(e->seconds));
      authorized.add({{"connection", c.name}, {"side", "accounting"}}, report.auth == "ok" ? 1 : 0);
      if (capsule_auth) {
        // "unknown" (no request made yet) is not a refusal.
        const std::string state = capsule_auth(c.name);
        authorized.add({{"connection", c.name}, {"side", "capsule"}}, state == "needs_new_token" ? 0 : 1);
      }
    }
    if (auto ms = last_successful_sync_ms(db, c.name))
      last_sync.add({{"connection", c.name}}, static_cast<double>(*ms) / 1000.0);
  }
  std::vector<Family> families = metrics::process_metrics().registry.collect();
  families.push_back(std::move(queue));
  families.push_back(std::move(conflicts));
  families.push_back(std::move(last_sync));
  for (auto* f : {&running, &phase, &ratio, &done, &writes, &eta, &interval, &budget_left, &budget_limit, &authorized})
    families.push_back(std::move(*f));
  families.push_back(metrics::build_info());
  return metrics::write_text(std::move(families));
}

}  // namespace capsync::daemon
