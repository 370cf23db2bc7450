#include "daemon/progress_journal.hpp"

#include <fmt/format.h>

#include "core/log/extra_fields.hpp"

namespace capsync::daemon {

void ProgressJournal::update(const std::string& connection, const engine::SyncProgress& progress) {
  const std::int64_t now = now_ms_();
  Last& last = last_[connection];
  if (last.started_ms != progress.started_ms) last = {progress.started_ms, progress.started_ms};
  if (now - last.line_ms < interval_ms) return;
  last.line_ms = now;
  const auto eta = eta_ ? eta_(connection, progress) : std::nullopt;
  if (static_cast<int>(log::Level::info) > static_cast<int>(log::min_level())) return;
  std::vector<log::ExtraField> extra{{"PHASE", std::string(engine::phase_name(progress.phase))},
                                     {"DONE", std::to_string(progress.done)}};
  if (progress.total) extra.push_back({"TOTAL", std::to_string(*progress.total)});
  if (eta) extra.push_back({"ETA_SECONDS", std::to_string(eta->seconds)});
  std::string left;
  if (eta) left = ", " + engine::eta_words(eta->seconds) + " left" + (eta->reason.empty() ? "" : " (" + eta->reason + ")");
  log::emit_extra(log::Level::info, {.connection = connection}, extra,
                  fmt::format("Syncing connection {}: {}{}", connection, engine::progress_words(progress), left));
}

}  // namespace capsync::daemon
