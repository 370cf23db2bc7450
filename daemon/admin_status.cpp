#include "daemon/admin_status.hpp"

#include <algorithm>

#include "core/config/provider.hpp"
#include "connectors/registry/registry.hpp"
#include "core/store/database.hpp"
#include "daemon/scheduler.hpp"

namespace capsync::daemon {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

system_clock::time_point from_ms(std::int64_t ms) { return system_clock::time_point(milliseconds(ms)); }
std::int64_t to_ms(system_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

// The single integer a query yields, or nullopt (no row, NULL, or a store error).
std::optional<std::int64_t> scalar(store::Database& db, std::string_view sql, const std::string& connection) {
  auto st = db.cached(sql);
  if (!st) return std::nullopt;
  (*st)->bind(1, connection);
  auto row = (*st)->step();
  if (!row || !*row || (*st)->column_is_null(0)) return std::nullopt;
  return (*st)->column_int64(0);
}

void add_budgets(store::Database& db, const std::string& connection, const ratelimit::Limits& limits,
                 system_clock::time_point now, std::vector<BudgetLeft>& out) {
  const std::string& provider = limits.provider;
  for (const auto& w : limits.windows) {
    BudgetLeft b{std::string(provider), w.name, w.limit, w.limit, std::nullopt};
    auto st = db.cached(
        "SELECT used, window_start, reset_at FROM rate_budget WHERE connection = ?1 AND provider = ?2 AND window = ?3");
    if (st) {
      (*st)->bind(1, connection).bind(2, provider).bind(3, w.name);
      if (auto row = (*st)->step(); row && *row) {
        const auto reset = (*st)->column_is_null(2) ? from_ms((*st)->column_int64(1)) + w.length
                                                    : from_ms((*st)->column_int64(2));
        if (reset > now) {
          b.left = std::max<std::int64_t>(0, w.limit - (*st)->column_int64(0));
          b.resets_at = reset;
        }
      }
    }
    out.push_back(std::move(b));
  }
}

}  // namespace

std::string read_auth_state(store::Database& db, const std::string& connection) {
  if (auto st = db.cached("SELECT state FROM tokens WHERE connection = ?1"); st) {
    (*st)->bind(1, connection);
    if (auto row = (*st)->step(); row && *row) return std::string((*st)->column_text(0));
  }
  return "not_yet_authorized";
}

ConnectionReport read_connection_report(store::Database& db, const config::ConnectionConfig& connection,
                                        system_clock::time_point now) {
  ConnectionReport r;
  const std::string& name = connection.name;
  r.auth = read_auth_state(db, name);
  r.linked = scalar(db, "SELECT count(*) FROM bindings WHERE connection = ?1", name).value_or(0);
  r.created = scalar(db, "SELECT count(*) FROM bindings WHERE connection = ?1 AND created_by_us = 1", name).value_or(0);
  r.conflicts =
      scalar(db, "SELECT count(*) FROM conflicts WHERE connection = ?1 AND resolved_at IS NULL", name).value_or(0);

  const std::string kinds = "('" + std::string(kind_pull) + "', '" + std::string(kind_full_reconcile) + "')";
  if (auto waiting = scalar(
          db, "SELECT min(run_after) FROM jobs WHERE connection = ?1 AND state = 'ready' AND kind IN " + kinds, name)) {
    r.next_sync = from_ms(std::max(*waiting, to_ms(now)));
  } else if (auto last = scalar(db, "SELECT max(created_at) FROM jobs WHERE connection = ?1 AND kind = '" +
                                        std::string(kind_pull) + "'", name)) {
    r.next_sync = from_ms(*last) + connection.sync.interval;
  }

  add_budgets(db, name, registry::capsule_limits(), now, r.budgets);
  if (auto entry = registry::find(connection.accounting.provider.name))
    add_budgets(db, name, (*entry)->limits, now, r.budgets);
  return r;
}

}  // namespace capsync::daemon
