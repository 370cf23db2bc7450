#pragma once
// The per-connection figures `capsyncctl status` shows beyond the daemon's own counters:
// authorization state, links and conflicts, the next sync and what is left of each rate
// limit, all read from the state database.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/settings.hpp"
#include "core/engine/sync_progress.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::daemon {

struct BudgetLeft {
  std::string provider, window;  // "xero", "minute"
  std::int64_t limit = 0, left = 0;
  std::optional<std::chrono::system_clock::time_point> resets_at;  // none while the window is unused
  std::chrono::milliseconds length{0};  // of the window
};

// The webhooks capsync subscribed for a connection (webhook_subscriptions.hpp), as status shows
// them; an empty state while nothing is known (no public_url, or the first attempt not done).
struct WebhookSubscriptionState {
  std::string state;   // "subscribed", "slots_full", "waiting_for_connect", "failed"
  std::string detail;  // one sentence for capsyncctl status
};

struct ConnectionReport {
  // The accounting side: "ok", "needs_authorization" or "credentials_rejected" as the token
  // store last recorded them; "not_yet_authorized" before the first token exchange.
  std::string auth;
  // Capsule's side, separately: "ok", "needs_new_token" or "unknown" (capsule::TokenState),
  // filled in by the daemon from the live connectors.
  std::string capsule_auth = "unknown";
  std::int64_t linked = 0, created = 0, conflicts = 0;
  // R28: the Capsule account the token reaches as last read ("" before the first sync), by
  // name and key, and the other connections on the same account.
  std::string capsule_account, capsule_account_key;
  std::vector<std::string> shares_capsule_with;
  // When the next periodic sync is due: a waiting sync job, else the last scheduled one
  // plus the interval (the scheduler adds up to 5% jitter).
  std::optional<std::chrono::system_clock::time_point> next_sync;
  std::vector<BudgetLeft> budgets;
  WebhookSubscriptionState webhooks;  // filled in by the daemon
};

// The budgets as the ETA of a sync weighs them (engine::estimate_eta).
std::vector<engine::BudgetWindow> budget_windows(const std::vector<BudgetLeft>& budgets);

// The ETA of the connection's running sync under its budgets as the store holds them now.
std::optional<engine::Eta> read_sync_eta(store::Database& db, const config::ConnectionConfig& connection,
                                         const engine::SyncProgress& progress, std::chrono::system_clock::time_point now);

// ConnectionReport::auth alone.
std::string read_auth_state(store::Database& db, const std::string& connection);

// Figures that cannot be read are left at their defaults: status must answer regardless.
ConnectionReport read_connection_report(store::Database& db, const config::ConnectionConfig& connection,
                                        std::chrono::system_clock::time_point now);

}  // namespace capsync::daemon
