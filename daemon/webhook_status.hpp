#pragma once
// R27: the webhook sources status shows — every source capsync has a webhook for (Xero when
// its key is set, FreshBooks when a connection has a verified callback) and every one that
// delivered in the last day — with the last delivery, the count over 24 hours, and a warning
// when polling found changes while the source had been silent for webhooks.silence_warning.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/config/settings.hpp"
#include "daemon/daemon_status.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::daemon {

// Figures that cannot be read are left out: status must answer regardless.
std::vector<WebhookSourceStatus> webhook_status(store::Database& db, const config::Config& config,
                                                std::chrono::system_clock::time_point now);

// A connection whose latest poll found changes that its webhook source had not announced:
// nothing accepted from `source` for over `silent_for_min` minutes.
struct SilentSource {
  std::string connection, source;
  std::int64_t silent_for_min = 0;
};
// Every such connection now (none without a `webhooks:` block); unreadable figures count as
// not silent.
std::vector<SilentSource> silent_sources(store::Database& db, const config::Config& config,
                                         std::chrono::system_clock::time_point now);

}  // namespace capsync::daemon
