#include "core/webhook/refresh_store.hpp"

#include <map>

#include <fmt/format.h>

#include "core/store/database.hpp"

namespace capsync::webhook {

queue::JobSpec refresh_job(std::string_view connection, int max_attempts) {
  return {.kind = std::string(kind_refresh),
          .connection = std::string(connection),
          .dedupe_key = fmt::format("{}:{}", kind_refresh, connection),
          .priority = 1,
          .max_attempts = max_attempts};
}

Result<AddResult> RefreshStore::add(std::span<const Event> events, std::int64_t now_ms) {
  AddResult out;
  auto tx = db_.begin();
  if (!tx) return tx.error();
  std::map<std::string, std::int64_t, std::less<>> rows;  // per connection, counted once
  for (const auto& e : events) {
    auto rows_now = rows.find(e.connection);
    if (rows_now == rows.end()) {
      auto n = count(e.connection);
      if (!n) return n.error();
      rows_now = rows.emplace(e.connection, *n).first;
    }
    auto merge = db_.cached(
        "UPDATE webhook_refresh SET version = version + 1 WHERE connection = ?1 AND kind = ?2 AND remote_id = ?3");
    if (!merge) return merge.error();
    (*merge)->bind(1, e.connection).bind(2, to_string(e.kind)).bind(3, e.remote_id);
    if (auto s = (*merge)->run(); !s) return s.error();
    if (db_.changes() > 0) {
      out.connections.insert(e.connection);
      continue;
    }
    if (rows_now->second >= cap_) {
      out.overflowed.insert(e.connection);
      continue;
    }
    auto insert = db_.cached(
        "INSERT INTO webhook_refresh (connection, kind, remote_id, source, first_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!insert) return insert.error();
    (*insert)->bind(1, e.connection).bind(2, to_string(e.kind)).bind(3, e.remote_id).bind(4, e.source).bind(5, now_ms);
    if (auto s = (*insert)->run(); !s) return s.error();
    ++rows_now->second;
    ++out.stored;
    out.connections.insert(e.connection);
  }
  if (auto s = tx->commit(); !s) return s.error();
  return out;
}

Result<std::vector<PendingRefresh>> RefreshStore::pending(std::string_view connection, RecordKind kind, int limit) {
  auto st = db_.cached(
      "SELECT remote_id, version FROM webhook_refresh WHERE connection = ?1 AND kind = ?2 "
      "ORDER BY first_at, remote_id LIMIT ?3");
  if (!st) return st.error();
  (*st)->bind(1, connection).bind(2, to_string(kind)).bind(3, limit);
  std::vector<PendingRefresh> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({std::string((*st)->column_text(0)), (*st)->column_int64(1)});
  }
  return out;
}

Status RefreshStore::done(std::string_view connection, RecordKind kind, std::span<const PendingRefresh> taken) {
  auto tx = db_.begin();
  if (!tx) return tx.error();
  for (const auto& p : taken) {
    auto st = db_.cached(
        "DELETE FROM webhook_refresh WHERE connection = ?1 AND kind = ?2 AND remote_id = ?3 AND version = ?4");
    if (!st) return st.error();
    (*st)->bind(1, connection).bind(2, to_string(kind)).bind(3, p.remote_id).bind(4, p.version);
    if (auto s = (*st)->run(); !s) return s;
  }
  return tx->commit();
}

Result<std::int64_t> RefreshStore::count(std::string_view connection) {
  auto st = connection.empty() ? db_.cached("SELECT count(*) FROM webhook_refresh")
                               : db_.cached("SELECT count(*) FROM webhook_refresh WHERE connection = ?1");
  if (!st) return st.error();
  if (!connection.empty()) (*st)->bind(1, connection);
  auto row = (*st)->step();
  if (!row) return row.error();
  const std::int64_t n = *row ? (*st)->column_int64(0) : 0;
  (*st)->reset();
  return n;
}

Status RefreshStore::clear(std::string_view connection) {
  auto st = db_.cached("DELETE FROM webhook_refresh WHERE connection = ?1");
  if (!st) return st.error();
  (*st)->bind(1, connection);
  return (*st)->run();
}

}  // namespace capsync::webhook
