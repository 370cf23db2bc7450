#include "core/ratelimit/sqlite_budget_store.hpp"

#include "core/store/database.hpp"

namespace capsync::ratelimit {

namespace {
using std::chrono::system_clock;
std::int64_t to_ms(system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
system_clock::time_point from_ms(std::int64_t ms) { return system_clock::time_point(std::chrono::milliseconds(ms)); }
}  // namespace

Result<std::vector<BudgetRow>> SqliteBudgetStore::load(const std::string& connection, const std::string& provider) {
  auto st = db_.cached("SELECT window, used, window_start, reset_at, declared_limit FROM rate_budget WHERE connection = ?1 AND provider = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection).bind(2, provider);
  std::vector<BudgetRow> rows;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error().with_context("Failed to read the rate limit budget");
    if (!*row) break;
    BudgetRow r;
    r.window = std::string((*st)->column_text(0));
    r.used = (*st)->column_int64(1);
    r.window_start = from_ms((*st)->column_int64(2));
    if (!(*st)->column_is_null(3)) r.reset_at = from_ms((*st)->column_int64(3));
    if (!(*st)->column_is_null(4)) r.limit = (*st)->column_int64(4);
    rows.push_back(std::move(r));
  }
  return rows;
}

Status SqliteBudgetStore::save(const std::string& connection, const std::string& provider, const std::vector<BudgetRow>& rows) {
  auto tx = db_.begin();
  if (!tx) return tx.error();
  for (const auto& r : rows) {
    auto st = db_.cached(
        "INSERT INTO rate_budget (connection, provider, window, used, window_start, reset_at, declared_limit) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT (connection, provider, window) DO UPDATE SET used = excluded.used, "
        "window_start = excluded.window_start, reset_at = excluded.reset_at, declared_limit = excluded.declared_limit");
    if (!st) return st.error();
    (*st)->bind(1, connection).bind(2, provider).bind(3, r.window).bind(4, r.used).bind(5, to_ms(r.window_start));
    if (r.reset_at) (*st)->bind(6, to_ms(*r.reset_at));
    else (*st)->bind(6, std::nullopt);
    if (r.limit) (*st)->bind(7, *r.limit);
    else (*st)->bind(7, std::nullopt);
    if (auto s = (*st)->run(); !s) return s.error().with_context("Failed to save the rate limit budget");
  }
  return tx->commit();
}

}  // namespace capsync::ratelimit
