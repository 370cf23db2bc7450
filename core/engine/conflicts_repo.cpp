#include "core/engine/conflicts_repo.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/engine/bindings_repo.hpp"
#include "core/engine/mirror_repo.hpp"
#include "core/log/log.hpp"
#include "core/store/database.hpp"

namespace capsync::engine {

namespace {

StoredConflict read_row(store::Statement& st) {
  return StoredConflict{st.column_int64(0),           std::string(st.column_text(1)), std::string(st.column_text(2)),
                        std::string(st.column_text(3)), std::string(st.column_text(4)), std::string(st.column_text(5)),
                        st.column_int64(6)};
}

}  // namespace

Result<bool> ConflictsRepo::contains(std::string_view identity) const {
  auto st = db_.cached(
      "SELECT 1 FROM engine_conflict_keys k JOIN conflicts c ON c.id = k.conflict_id"
      " WHERE k.connection = ?1 AND k.identity = ?2");
  if (!st) return st.error().with_context("Failed to read conflicts");
  (*st)->bind(1, connection_).bind(2, identity);
  auto row = (*st)->step();
  if (!row) return row.error().with_context("Failed to read conflicts");
  return *row;
}

Result<bool> ConflictsRepo::record(const sync::Conflict& conflict, std::int64_t now_ms) {
  const std::string identity = conflict.identity();
  auto known = contains(identity);
  if (!known) return known.error();
  if (*known) return false;
  auto tx = db_.begin();
  if (!tx) return tx.error();
  {
    auto st = db_.cached(
        "INSERT INTO conflicts (connection, kind, capsule_id, remote_id, detail, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st) return st.error();
    (*st)->bind(1, connection_).bind(2, sync::to_string(conflict.kind));
    if (conflict.party_ids.empty()) (*st)->bind(3, std::nullopt);
    else (*st)->bind(3, fmt::format("{}", fmt::join(conflict.party_ids, ",")));
    if (conflict.remote_id.empty()) (*st)->bind(4, std::nullopt); else (*st)->bind(4, conflict.remote_id);
    (*st)->bind(5, conflict.describe()).bind(6, now_ms);
    if (auto s = (*st)->run(); !s) return s.error();
  }
  const std::int64_t id = db_.last_insert_rowid();
  {
    auto st = db_.cached(
        "INSERT INTO engine_conflict_keys (connection, identity, conflict_id) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (connection, identity) DO UPDATE SET conflict_id = excluded.conflict_id");
    if (!st) return st.error();
    (*st)->bind(1, connection_).bind(2, identity).bind(3, id);
    if (auto s = (*st)->run(); !s) return s.error();
  }
  if (auto s = tx->commit(); !s) return s.error();
  return true;
}

Status ConflictsRepo::settle(std::string_view identity, std::int64_t now_ms) {
  auto st = db_.cached("SELECT conflict_id FROM engine_conflict_keys WHERE connection = ?1 AND identity = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, identity);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return {};
  const std::int64_t id = (*st)->column_int64(0);
  (*st)->reset();
  auto open = find_open(db_, id);
  if (!open) return open.error();
  if (!*open) return {};  // ignored by a person: it stays known
  return resolve(db_, id, false, now_ms);
}

Status record_unreadable(ConflictsRepo& conflicts, const std::vector<model::UnreadableRecord>& records,
                         std::string_view record, bool capsule, int page, std::string_view connection,
                         std::int64_t now_ms) {
  for (const auto& r : records) {
    const sync::Conflict c = sync::unreadable_conflict(record, capsule, page, r);
    auto fresh = conflicts.record(c, now_ms);
    if (!fresh) return fresh.error();
    if (*fresh) log::warning({.connection = connection, .record = r.id}, "{}", c.describe());
  }
  return {};
}

Result<std::vector<StoredConflict>> ConflictsRepo::open() const {
  auto st = db_.cached(
      "SELECT id, kind, coalesce(capsule_id, ''), coalesce(remote_id, ''), detail, connection, created_at"
      " FROM conflicts WHERE connection = ?1 AND resolved_at IS NULL ORDER BY id");
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  std::vector<StoredConflict> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read_row(**st));
  }
  return out;
}

Result<std::int64_t> ConflictsRepo::count_open() const {
  auto st = db_.cached("SELECT count(*) FROM conflicts WHERE connection = ?1 AND resolved_at IS NULL");
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  auto row = (*st)->step();
  if (!row) return row.error().with_context("Failed to count open conflicts");
  return (*st)->column_int64(0);
}

Result<std::optional<StoredConflict>> ConflictsRepo::find_open(store::Database& db, std::int64_t id) {
  auto st = db.cached(
      "SELECT id, kind, coalesce(capsule_id, ''), coalesce(remote_id, ''), detail, connection, created_at"
      " FROM conflicts WHERE id = ?1 AND resolved_at IS NULL");
  if (!st) return st.error();
  (*st)->bind(1, id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<StoredConflict>{};
  auto found = read_row(**st);
  return std::optional<StoredConflict>{std::move(found)};
}

Status ConflictsRepo::resolve(store::Database& db, std::int64_t id, bool keep_identity, std::int64_t now_ms) {
  auto tx = db.begin();
  if (!tx) return tx.error();
  {
    auto st = db.cached("UPDATE conflicts SET resolved_at = ?2 WHERE id = ?1 AND resolved_at IS NULL");
    if (!st) return st.error();
    (*st)->bind(1, id).bind(2, now_ms);
    if (auto s = (*st)->run(); !s) return s.error();
  }
  if (!keep_identity) {
    auto st = db.cached("DELETE FROM engine_conflict_keys WHERE conflict_id = ?1");
    if (!st) return st.error();
    (*st)->bind(1, id);
    if (auto s = (*st)->run(); !s) return s.error();
  }
  return tx->commit();
}

Status ConflictsRepo::resolve_by_link(store::Database& db, const StoredConflict& conflict, model::PartyId party,
                                      std::int64_t now_ms) {
  BindingsRepo bindings(db, conflict.connection);
  auto other = bindings.find_by_party(party);
  if (!other) return other.error().with_context(fmt::format("cannot read the links of Capsule party {}", party));
  if (*other && (*other)->remote_id != conflict.remote_id)
    return make_error(Errc::conflict, "Capsule party {} is already linked to accounting contact {}", party,
                      (*other)->remote_id);
  auto seen = PartyMirror(db, conflict.connection).get(party);
  if (!seen) return seen.error().with_context(fmt::format("cannot read Capsule party {}", party));
  if (!*seen)
    return make_error(Errc::not_found, "capsync has not seen Capsule party {} on {} (is the id right?)", party,
                      conflict.connection);
  ContactMirror contacts(db, conflict.connection);
  auto contact = contacts.get(conflict.remote_id);
  if (!contact) return contact.error().with_context(fmt::format("cannot read accounting contact {}", conflict.remote_id));
  if (!*contact)
    return make_error(Errc::not_found, "capsync has not seen accounting contact {} on {}", conflict.remote_id,
                      conflict.connection);
  const auto role = (*contact)->is_supplier && (*contact)->is_customer ? sync::ContactRole::both
                    : (*contact)->is_supplier                          ? sync::ContactRole::supplier
                                                                       : sync::ContactRole::customer;
  auto tx = db.begin();
  if (!tx) return tx.error().with_context("cannot link");
  Status done = bindings.put(sync::Binding{party, conflict.remote_id, role, std::nullopt, std::nullopt}, false);
  if (done) done = contacts.mark_pending(conflict.remote_id);
  if (done) done = resolve(db, conflict.id, false, now_ms);
  if (done) done = tx->commit();
  if (!done) return done.error().with_context("cannot link");
  return {};
}

}  // namespace capsync::engine
