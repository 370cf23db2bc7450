#include "daemon/admin_status.hpp"

#include <algorithm>

#include "connectors/registry/registry.hpp"
#include "core/config/provider.hpp"
#include "core/engine/bindings_repo.hpp"
#include "core/engine/capsule_accounts.hpp"
#include "core/engine/conflicts_repo.hpp"
#include "core/oauth/sqlite_token_store.hpp"
#include "core/queue/job_queue.hpp"
#include "core/ratelimit/sqlite_budget_store.hpp"
#include "daemon/scheduler.hpp"

namespace capsync::daemon {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

system_clock::time_point from_ms(std::int64_t ms) { return system_clock::time_point(milliseconds(ms)); }
std::int64_t to_ms(system_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

void add_budgets(store::Database& db, const std::string& connection, const ratelimit::Limits& limits,
                 system_clock::time_point now, std::vector<BudgetLeft>& out) {
  const std::string& provider = limits.provider;
  const auto rows = ratelimit::SqliteBudgetStore(db).load(connection, provider);
  for (const auto& w : limits.windows) {
    BudgetLeft b{provider, w.name, w.limit, w.limit, std::nullopt, w.length};
    const ratelimit::BudgetRow* row = nullptr;
    if (rows)
      for (const auto& r : *rows)
        if (r.window == w.name) row = &r;
    if (row) {
      // What the service declared (Capsule's X-RateLimit-Limit) over what it documents.
      if (row->limit && *row->limit > 0) b.limit = b.left = *row->limit;
      const auto reset = row->reset_at.value_or(row->window_start + w.length);
      if (reset > now) {
        b.left = std::max<std::int64_t>(0, b.limit - row->used);
        b.resets_at = reset;
      }
    }
    out.push_back(std::move(b));
  }
}

}  // namespace

std::vector<engine::BudgetWindow> budget_windows(const std::vector<BudgetLeft>& budgets) {
  std::vector<engine::BudgetWindow> out;
  for (const auto& b : budgets) out.push_back({b.provider, b.window, b.limit, b.left, b.length.count()});
  return out;
}

namespace {

std::vector<BudgetLeft> read_budgets(store::Database& db, const config::ConnectionConfig& connection,
                                     system_clock::time_point now) {
  std::vector<BudgetLeft> out;
  add_budgets(db, connection.name, registry::capsule_limits(), now, out);
  if (auto entry = registry::find(connection.accounting.provider.name))
    add_budgets(db, connection.name, (*entry)->limits, now, out);
  return out;
}

}  // namespace

std::optional<engine::Eta> read_sync_eta(store::Database& db, const config::ConnectionConfig& connection,
                                         const engine::SyncProgress& progress, system_clock::time_point now) {
  return engine::estimate_eta(progress, budget_windows(read_budgets(db, connection, now)),
                              connection.accounting.provider.name, to_ms(now));
}

std::string read_auth_state(store::Database& db, const std::string& connection) {
  const auto state = oauth::SqliteTokenStore(db).state(connection);
  if (!state || !*state) return "not_yet_authorized";
  return std::string(oauth::to_string(**state));
}

ConnectionReport read_connection_report(store::Database& db, const config::ConnectionConfig& connection,
                                        system_clock::time_point now) {
  ConnectionReport r;
  const std::string& name = connection.name;
  r.auth = read_auth_state(db, name);
  if (const auto links = engine::BindingsRepo(db, name).counts()) {
    r.linked = links->linked;
    r.created = links->created_by_us;
  }
  if (const auto open = engine::ConflictsRepo(db, name).count_open()) r.conflicts = *open;
  const engine::CapsuleAccounts accounts(db);
  if (const auto account = accounts.get(name); account && *account) {
    r.capsule_account = (*account)->name;
    r.capsule_account_key = (*account)->key;
    if (auto others = accounts.sharing_with(name)) r.shares_capsule_with = std::move(*others);
  }

  queue::JobQueue jobs(db);
  const std::string_view syncs[] = {kind_pull, kind_full_reconcile};
  const std::string_view pulls[] = {kind_pull};
  if (auto waiting = jobs.times(name, syncs); waiting && waiting->next_ready) {
    r.next_sync = from_ms(std::max(*waiting->next_ready, to_ms(now)));
  } else if (auto last = jobs.times(name, pulls); last && last->last_created) {
    r.next_sync = from_ms(*last->last_created) + connection.sync.interval;
  }

  r.budgets = read_budgets(db, connection, now);
  return r;
}

}  // namespace capsync::daemon
