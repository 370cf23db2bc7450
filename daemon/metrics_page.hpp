#pragma once
// The /metrics page: the process's counters and histograms (core/metrics/process_metrics.hpp)
// plus the gauges read at scrape time, so they are exact: the queue by state and the open
// conflicts as `capsyncctl status` reports them, and each connection's last successful sync;
// the running sync's progress and ETA, what is left of each rate-limit window, and whether each
// side of a connection is authorized (issue 22).

#include <functional>
#include <string>

#include "core/config/settings.hpp"
#include "daemon/daemon_status.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::daemon {

// `capsule_auth`: Capsule's side of a connection as ConnectionReport::capsule_auth says it;
// empty: not shown.
std::string metrics_page(store::Database& db, const config::Config& config, const DaemonStatus& status,
                         const std::function<std::string(const std::string&)>& capsule_auth = {});

}  // namespace capsync::daemon
