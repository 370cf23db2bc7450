#include "daemon/silence_journal.hpp"

#include "core/log/log.hpp"
#include "daemon/webhook_status.hpp"

namespace capsync::daemon {

void SilenceJournal::check(store::Database& db, const config::Config& config, std::chrono::system_clock::time_point now) {
  std::set<std::pair<std::string, std::string>> current;
  for (const auto& s : silent_sources(db, config, now)) {
    auto key = std::make_pair(s.connection, s.source);
    if (!silent_.contains(key))
      log::warning({.connection = s.connection},
                   "Polling of connection {} found changes no {} webhook announced, and none has been accepted for "
                   "over {} min: check that the webhook is enabled in {} and that its deliveries reach capsync "
                   "(capsyncctl status shows the last one)",
                   s.connection, s.source, s.silent_for_min, s.source == "xero" ? "Xero's developer portal" : s.source);
    current.insert(std::move(key));
  }
  silent_ = std::move(current);
}

}  // namespace capsync::daemon
