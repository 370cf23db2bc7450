#include "daemon/webhook_status.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "core/engine/mirror_repo.hpp"
#include "core/store/database.hpp"
#include "core/webhook/delivery_log.hpp"
#include "core/webhook/verifier_store.hpp"

namespace capsync::daemon {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

std::int64_t unix_ms(system_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

// When a pull of `connection` last found changes (kPolledChanges), unix ms; 0 when never.
std::int64_t polled_changes_ms(store::Database& db, const std::string& connection) {
  auto st = db.cached("SELECT updated_at FROM cursors WHERE connection = ?1 AND resource = ?2");
  if (!st) return 0;
  (*st)->bind(1, connection).bind(2, engine::kPolledChanges);
  auto row = (*st)->step();
  return row && *row ? (*st)->column_int64(0) : 0;
}

// The webhook source that announces the changes of `c`'s accounting side, if it has one.
std::optional<std::string> webhook_source_of(store::Database& db, const config::Config& config,
                                             const config::ConnectionConfig& c) {
  const std::string_view provider = c.accounting.provider.name;
  if (provider == "xero" && !config.webhooks->xero_webhook_key.empty()) return "xero";
  if (provider == "freshbooks") {
    auto verified = webhook::VerifierStore(db).verified(c.name);
    if (verified && !verified->empty()) return "freshbooks";
  }
  return std::nullopt;
}

// R27: the poll at `polled_ms` found changes, within the window, while nothing from the source
// had been accepted for the whole window before it.
bool silent(std::int64_t now_ms, std::int64_t window_ms, std::int64_t last_accepted_ms, std::int64_t polled_ms) {
  return polled_ms > 0 && now_ms - last_accepted_ms > window_ms && polled_ms > last_accepted_ms &&
         now_ms - polled_ms <= window_ms;
}

std::vector<webhook::SourceHealth> health_of(store::Database& db, std::int64_t now_ms) {
  auto health = webhook::DeliveryLog(db).health(now_ms);
  return health ? std::move(*health) : std::vector<webhook::SourceHealth>{};
}

std::int64_t last_accepted(const std::vector<webhook::SourceHealth>& sources, std::string_view source) {
  for (const auto& s : sources)
    if (s.source == source) return s.last_accepted_ms;
  return 0;
}

std::int64_t window_ms(const config::Config& config) {
  return std::chrono::duration_cast<milliseconds>(config.webhooks->silence_warning).count();
}

}  // namespace

std::vector<SilentSource> silent_sources(store::Database& db, const config::Config& config, system_clock::time_point now) {
  std::vector<SilentSource> out;
  if (!config.webhooks) return out;
  const std::int64_t now_ms = unix_ms(now), window = window_ms(config);
  const auto sources = health_of(db, now_ms);
  for (const auto& c : config.connections) {
    if (!c.enabled) continue;
    const auto source = webhook_source_of(db, config, c);
    if (!source) continue;
    if (silent(now_ms, window, last_accepted(sources, *source), polled_changes_ms(db, c.name)))
      out.push_back({.connection = c.name, .source = *source, .silent_for_min = window / 60'000});
  }
  return out;
}

std::vector<WebhookSourceStatus> webhook_status(store::Database& db, const config::Config& config,
                                                system_clock::time_point now) {
  std::vector<WebhookSourceStatus> out;
  if (!config.webhooks) return out;
  const std::int64_t now_ms = unix_ms(now);
  std::vector<webhook::SourceHealth> sources = health_of(db, now_ms);
  const auto known = [&](std::string_view name) {
    return std::any_of(sources.begin(), sources.end(), [&](const auto& s) { return s.source == name; });
  };
  for (const auto& c : config.connections)
    if (auto source = c.enabled ? webhook_source_of(db, config, c) : std::nullopt; source && !known(*source))
      sources.push_back({.source = *source});
  std::sort(sources.begin(), sources.end(), [](const auto& a, const auto& b) { return a.source < b.source; });
  const auto silences = silent_sources(db, config, now);
  for (const auto& s : sources) {
    WebhookSourceStatus w{.source = s.source,
                          .last_delivery = std::nullopt,
                          .last_outcome = s.last_outcome,
                          .deliveries_24h = s.count_24h,
                          .warning = std::nullopt};
    if (s.last_at_ms > 0) w.last_delivery = system_clock::time_point(milliseconds(s.last_at_ms));
    const bool quiet = std::any_of(silences.begin(), silences.end(), [&](const auto& q) { return q.source == s.source; });
    if (quiet)
      w.warning = fmt::format(
          "polling found changes no {} webhook announced, and none has been accepted for over {} min: check that "
          "the webhook is enabled and reaches capsync",
          s.source, window_ms(config) / 60'000);
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace capsync::daemon
