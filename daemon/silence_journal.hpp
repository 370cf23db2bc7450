#pragma once
// SilenceJournal (R27): writes the webhook silence warning to the journal once per episode.
// After each poll, check() asks which connections found changes their webhook source had not
// announced for webhooks.silence_warning (webhook_status.hpp); a connection that newly is
// silent gets one warning with CAPSYNC_CONNECTION, and none again until a delivery (or a quiet
// window) has ended the episode. Status shows the same warning for as long as it lasts.
// Episodes are held in memory: a restart during one writes it once more. Single-threaded.

#include <chrono>
#include <set>
#include <string>
#include <utility>

#include "core/config/settings.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::daemon {

class SilenceJournal final {
 public:
  void check(store::Database& db, const config::Config& config, std::chrono::system_clock::time_point now);

 private:
  std::set<std::pair<std::string, std::string>> silent_;  // (connection, source) warned about
};

}  // namespace capsync::daemon
