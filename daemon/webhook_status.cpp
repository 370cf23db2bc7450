#include "daemon/webhook_status.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/engine/mirror_repo.hpp"
#include "core/store/database.hpp"
#include "core/webhook/delivery_log.hpp"

namespace capsync::daemon {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// When a pull of one of `provider`'s connections last found changes (kPolledChanges), unix ms.
std::int64_t last_polled_changes_ms(store::Database& db, const config::Config& config, std::string_view provider) {
  std::int64_t last = 0;
  for (const auto& c : config.connections) {
    if (c.accounting.provider.name != provider) continue;
    auto st = db.cached("SELECT updated_at FROM cursors WHERE connection = ?1 AND resource = ?2");
    if (!st) continue;
    (*st)->bind(1, c.name).bind(2, engine::kPolledChanges);
    if (auto row = (*st)->step(); row && *row) last = std::max(last, (*st)->column_int64(0));
    (*st)->reset();
  }
  return last;
}

}  // namespace

std::vector<WebhookSourceStatus> webhook_status(store::Database& db, const config::Config& config,
                                                system_clock::time_point now) {
  std::vector<WebhookSourceStatus> out;
  if (!config.webhooks) return out;
  const std::int64_t now_ms = std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
  auto health = webhook::DeliveryLog(db).health(now_ms);
  std::vector<webhook::SourceHealth> sources = health ? std::move(*health) : std::vector<webhook::SourceHealth>{};
  const auto known = [&](std::string_view name) {
    return std::any_of(sources.begin(), sources.end(), [&](const auto& s) { return s.source == name; });
  };
  if (!config.webhooks->xero_webhook_key.empty() && !known("xero")) sources.push_back({.source = "xero"});
  const std::int64_t silence_ms =
      std::chrono::duration_cast<milliseconds>(config.webhooks->silence_warning).count();
  for (const auto& s : sources) {
    WebhookSourceStatus w{.source = s.source,
                          .last_delivery = std::nullopt,
                          .last_outcome = s.last_outcome,
                          .deliveries_24h = s.count_24h,
                          .warning = std::nullopt};
    if (s.last_at_ms > 0) w.last_delivery = system_clock::time_point(milliseconds(s.last_at_ms));
    // Only sources whose connections are polled by provider name can be checked (Xero).
    const std::int64_t polled = last_polled_changes_ms(db, config, s.source);
    const bool silent = now_ms - s.last_accepted_ms > silence_ms;
    if (polled > 0 && silent && polled > s.last_accepted_ms && now_ms - polled <= silence_ms)
      w.warning = fmt::format(
          "polling found changes no {} webhook announced, and none has been accepted for over {} min: check that "
          "the webhook is enabled and reaches capsync",
          s.source, silence_ms / 60'000);
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace capsync::daemon
