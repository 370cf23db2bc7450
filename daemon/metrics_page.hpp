#pragma once
// The /metrics page: the process's counters and histograms (core/metrics/process_metrics.hpp)
// plus the gauges read at scrape time, so they are exact: the queue by state and the open
// conflicts as `capsyncctl status` reports them, and each connection's last successful sync.

#include <string>

#include "core/config/settings.hpp"
#include "daemon/daemon_status.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::daemon {

std::string metrics_page(store::Database& db, const config::Config& config, const DaemonStatus& status);

}  // namespace capsync::daemon
