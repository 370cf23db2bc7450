#include "core/engine/contact_mirror.hpp"

#include "core/engine/record_codec.hpp"
#include "core/model/name_key.hpp"
#include "core/store/database.hpp"

namespace capsync::engine {

Result<std::vector<std::string>> ContactMirror::find_by_exact_key(std::string_view key) const {
  std::vector<std::string> out;
  if (key.empty()) return out;
  auto st = db_.cached(
      "SELECT remote_id FROM engine_contacts WHERE connection = ?1 AND exact_key = ?2 AND status = 'active'"
      " ORDER BY remote_id");
  if (!st) return st.error().with_context("Failed to read the contact mirror");
  (*st)->bind(1, connection_).bind(2, key);
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error().with_context("Failed to read the contact mirror");
    if (!*row) break;
    out.emplace_back((*st)->column_text(0));
  }
  return out;
}

Result<std::vector<std::string>> ContactMirror::find_by_near_key(std::string_view key) const {
  std::vector<std::string> out;
  if (key.empty()) return out;
  // A NULL key (a row from before schema 3 not filled yet) is computed here, so no contact is
  // missed in between. Two index seeks merged: with an OR, SQLite walks every contact of the
  // connection in remote id order instead.
  auto st = db_.cached(
      "SELECT remote_id, name, near_key FROM engine_contacts WHERE connection = ?1 AND near_key = ?2"
      " AND status = 'active' UNION ALL SELECT remote_id, name, near_key FROM engine_contacts"
      " WHERE connection = ?1 AND near_key IS NULL AND status = 'active' ORDER BY 1");
  if (!st) return st.error().with_context("Failed to read the contact mirror");
  (*st)->bind(1, connection_).bind(2, key);
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error().with_context("Failed to read the contact mirror");
    if (!*row) break;
    if ((*st)->column_is_null(2) && model::near_key((*st)->column_text(1)) != key) continue;
    out.emplace_back((*st)->column_text(0));
  }
  return out;
}

Status ContactMirror::fill_near_keys() {
  auto st = db_.cached(
      "SELECT remote_id, name FROM engine_contacts WHERE connection = ?1 AND near_key IS NULL ORDER BY remote_id");
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  std::vector<std::pair<std::string, std::string>> keys;  // remote id, near key
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    keys.emplace_back((*st)->column_text(0), model::near_key((*st)->column_text(1)));
  }
  if (keys.empty()) return {};
  auto tx = db_.begin();
  if (!tx) return tx.error();
  auto update = db_.cached("UPDATE engine_contacts SET near_key = ?3 WHERE connection = ?1 AND remote_id = ?2");
  if (!update) return update.error();
  for (const auto& [id, near] : keys) {
    (*update)->bind(1, connection_).bind(2, id).bind(3, near);
    if (auto s = (*update)->run(); !s) return s;
  }
  return tx->commit();
}

Status ContactMirror::upsert(const model::Contact& c, bool mark_pending) {
  const std::string name = c.display_name();
  auto st = db_.cached(
      "INSERT INTO engine_contacts (connection, remote_id, name, exact_key, status, updated_at, pending, body,"
      " near_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (connection, remote_id) DO UPDATE SET"
      " name = excluded.name, exact_key = excluded.exact_key, status = excluded.status,"
      " updated_at = excluded.updated_at, pending = max(pending, excluded.pending), body = excluded.body,"
      " near_key = excluded.near_key");
  if (!st) return st.error();
  auto& s = **st;
  s.bind(1, connection_).bind(2, c.remote_id).bind(3, name).bind(4, model::exact_key(name))
      .bind(5, model::to_string(c.status));
  if (c.updated_at) s.bind(6, c.updated_at->time_since_epoch().count()); else s.bind(6, std::nullopt);
  s.bind(7, mark_pending ? 1 : 0).bind(8, encode_contact(c)).bind(9, model::near_key(name));
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

}  // namespace capsync::engine
