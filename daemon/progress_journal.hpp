#pragma once
// ProgressJournal: the journal's progress line of a long sync, at most once a minute per
// connection, with structured fields (CAPSYNC_CONNECTION, CAPSYNC_PHASE, CAPSYNC_DONE,
// CAPSYNC_TOTAL, CAPSYNC_ETA_SECONDS) so operators can follow it with journalctl.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/engine/sync_progress.hpp"

namespace capsync::daemon {

class ProgressJournal final {
 public:
  using EtaOf = std::function<std::optional<engine::Eta>(const std::string& connection, const engine::SyncProgress&)>;
  static constexpr std::int64_t interval_ms = 60'000;

  ProgressJournal(std::function<std::int64_t()> now_ms, EtaOf eta) : now_ms_(std::move(now_ms)), eta_(std::move(eta)) {}

  // Every update of a running sync (ProgressBoard's observer): logs a line once a minute has
  // passed since the sync started or since its last line, so a short sync logs none.
  void update(const std::string& connection, const engine::SyncProgress& progress);

 private:
  struct Last {
    std::int64_t started_ms = 0;  // which sync
    std::int64_t line_ms = 0;     // its start, then its last line
  };
  std::function<std::int64_t()> now_ms_;
  EtaOf eta_;
  std::map<std::string, Last> last_;  // by connection; the io_context thread owns it
};

}  // namespace capsync::daemon
