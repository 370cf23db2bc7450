#include "core/engine/contact_mirror.hpp"

#include "core/engine/record_codec.hpp"
#include "core/log/log.hpp"
#include "core/model/name_key.hpp"
#include "core/store/database.hpp"

namespace capsync::engine {

std::vector<std::string> ContactMirror::find_by_exact_key(std::string_view key) const {
  std::vector<std::string> out;
  if (key.empty()) return out;
  auto st = db_.cached(
      "SELECT remote_id FROM engine_contacts WHERE connection = ?1 AND exact_key = ?2 AND status = 'active'"
      " ORDER BY remote_id");
  if (!st) {
    log::error({.connection = connection_}, "Failed to read the contact mirror: {}", st.error());
    return out;
  }
  (*st)->bind(1, connection_).bind(2, key);
  for (;;) {
    auto row = (*st)->step();
    if (!row || !*row) break;
    out.emplace_back((*st)->column_text(0));
  }
  return out;
}

Status ContactMirror::upsert(const model::Contact& c, bool mark_pending) {
  const std::string name = c.display_name();
  auto st = db_.cached(
      "INSERT INTO engine_contacts (connection, remote_id, name, exact_key, status, updated_at, pending, body)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (connection, remote_id) DO UPDATE SET"
      " name = excluded.name, exact_key = excluded.exact_key, status = excluded.status,"
      " updated_at = excluded.updated_at, pending = max(pending, excluded.pending), body = excluded.body");
  if (!st) return st.error();
  auto& s = **st;
  s.bind(1, connection_).bind(2, c.remote_id).bind(3, name).bind(4, model::exact_key(name))
      .bind(5, model::to_string(c.status));
  if (c.updated_at) s.bind(6, c.updated_at->time_since_epoch().count()); else s.bind(6, std::nullopt);
  s.bind(7, mark_pending ? 1 : 0).bind(8, encode_contact(c));
  return s.run();
}

Status ContactMirror::mark_pending(std::string_view remote_id) {
  auto st = db_.cached("UPDATE engine_contacts SET pending = 1 WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  return (*st)->run();
}

Status ContactMirror::mark_all_pending() {
  auto st = db_.cached("UPDATE engine_contacts SET pending = 1 WHERE connection = ?1");
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  return (*st)->run();
}

Status ContactMirror::clear_pending(std::string_view remote_id) {
  auto st = db_.cached("UPDATE engine_contacts SET pending = 0 WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  return (*st)->run();
}

Result<std::vector<std::string>> ContactMirror::pending(std::string_view after, int limit) const {
  auto st = db_.cached(
      "SELECT remote_id FROM engine_contacts WHERE connection = ?1 AND pending = 1 AND remote_id > ?2"
      " ORDER BY remote_id LIMIT ?3");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, after).bind(3, limit);
  std::vector<std::string> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.emplace_back((*st)->column_text(0));
  }
  return out;
}

Result<std::optional<model::Contact>> ContactMirror::get(std::string_view remote_id) const {
  auto st = db_.cached("SELECT body FROM engine_contacts WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<model::Contact>();
  auto c = decode_contact((*st)->column_text(0));
  if (!c) return c.error();
  return std::optional<model::Contact>(std::move(*c));
}

Result<std::vector<std::string>> ContactMirror::live_ids() const {
  auto st = db_.cached(
      "SELECT remote_id FROM engine_contacts WHERE connection = ?1 AND status <> 'deleted' ORDER BY remote_id");
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  std::vector<std::string> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.emplace_back((*st)->column_text(0));
  }
  return out;
}

}  // namespace capsync::engine
