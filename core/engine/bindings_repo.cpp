#include "core/engine/bindings_repo.hpp"

#include <fmt/format.h>

#include "core/engine/record_codec.hpp"
#include "core/store/database.hpp"

namespace capsync::engine {

namespace {

constexpr std::string_view kColumns = "capsule_id, remote_id, kind, remote_hash, capsule_hash";

sync::Binding read_row(const store::Statement& st) {
  sync::Binding b;
  b.party_id = std::stoll(std::string(st.column_text(0)));
  b.remote_id = std::string(st.column_text(1));
  b.role = parse_role(st.column_text(2));
  if (!st.column_is_null(3)) b.pushed_hash = std::string(st.column_text(3));
  if (!st.column_is_null(4)) b.summary_hash = std::string(st.column_text(4));
  return b;
}

}  // namespace

sync::ContactRole parse_role(std::string_view text) {
  if (text == "supplier") return sync::ContactRole::supplier;
  if (text == "both") return sync::ContactRole::both;
  return sync::ContactRole::customer;
}

Result<std::optional<sync::Binding>> BindingsRepo::find(std::string_view where, std::string_view value) const {
  const std::string sql =
      fmt::format("SELECT {} FROM bindings WHERE connection = ?1 AND {} = ?2 AND state = 'linked'", kColumns, where);
  auto st = db_.cached(sql);
  if (!st) return st.error().with_context("Failed to read bindings");
  (*st)->bind(1, connection_).bind(2, value);
  auto row = (*st)->step();
  if (!row) return row.error().with_context("Failed to read bindings");
  if (!*row) return std::optional<sync::Binding>();
  return std::optional<sync::Binding>(read_row(**st));
}

Result<std::optional<sync::Binding>> BindingsRepo::find_by_remote_id(std::string_view remote_id) const {
  return find("remote_id", remote_id);
}

Result<std::optional<sync::Binding>> BindingsRepo::find_by_party(model::PartyId party_id) const {
  return find("capsule_id", std::to_string(party_id));
}

Status BindingsRepo::put(const sync::Binding& b, bool created_by_us) {
  auto tx = db_.begin();
  if (!tx) return tx.error();
  {
    auto del = db_.cached("DELETE FROM bindings WHERE connection = ?1 AND (remote_id = ?2 OR capsule_id = ?3)");
    if (!del) return del.error();
    (*del)->bind(1, connection_).bind(2, b.remote_id).bind(3, std::to_string(b.party_id));
    if (auto s = (*del)->run(); !s) return s;
  }
  auto st = db_.cached(
      "INSERT INTO bindings (connection, capsule_id, remote_id, kind, remote_hash, capsule_hash, state, created_by_us)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'linked', ?7)");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, std::to_string(b.party_id)).bind(3, b.remote_id).bind(4, sync::to_string(b.role));
  if (b.pushed_hash) (*st)->bind(5, *b.pushed_hash); else (*st)->bind(5, std::nullopt);
  if (b.summary_hash) (*st)->bind(6, *b.summary_hash); else (*st)->bind(6, std::nullopt);
  (*st)->bind(7, created_by_us ? 1 : 0);
  if (auto s = (*st)->run(); !s) return s;
  return tx->commit();
}

Status BindingsRepo::erase(std::string_view remote_id) {
  auto st = db_.cached("DELETE FROM bindings WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  return (*st)->run();
}

Status BindingsRepo::set_pushed(std::string_view remote_id, std::string_view hash,
                                const model::ContactDetails& details) {
  auto st = db_.cached(
      "UPDATE bindings SET remote_hash = ?3, pushed_details = ?4 WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id).bind(3, hash).bind(4, encode_details(details));
  return (*st)->run();
}

Result<std::optional<model::ContactDetails>> BindingsRepo::pushed_details(std::string_view remote_id) const {
  auto st = db_.cached("SELECT pushed_details FROM bindings WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row || (*st)->column_is_null(0)) return std::optional<model::ContactDetails>();
  auto details = decode_details((*st)->column_text(0));
  if (!details) return details.error();
  return std::optional<model::ContactDetails>(std::move(*details));
}

Status BindingsRepo::set_contact_person(std::string_view remote_id, model::PartyId person) {
  auto st = db_.cached("UPDATE bindings SET contact_person_id = ?3 WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id).bind(3, person);
  return (*st)->run();
}

Result<std::optional<model::PartyId>> BindingsRepo::contact_person(std::string_view remote_id) const {
  auto st = db_.cached("SELECT contact_person_id FROM bindings WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row || (*st)->column_is_null(0)) return std::optional<model::PartyId>();
  return std::optional<model::PartyId>((*st)->column_int64(0));
}

Status BindingsRepo::set_summary_hash(std::string_view remote_id, std::optional<std::string_view> hash) {
  auto st = db_.cached("UPDATE bindings SET capsule_hash = ?3 WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  if (hash) (*st)->bind(3, *hash); else (*st)->bind(3, std::nullopt);
  return (*st)->run();
}

Result<std::vector<sync::Binding>> BindingsRepo::all() const {
  auto st = db_.cached(fmt::format("SELECT {} FROM bindings WHERE connection = ?1 AND state = 'linked' ORDER BY remote_id",
                                   kColumns));
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  std::vector<sync::Binding> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read_row(**st));
  }
  return out;
}

Result<BindingsRepo::Counts> BindingsRepo::counts() const {
  auto st = db_.cached(
      "SELECT count(*), coalesce(sum(created_by_us <> 0), 0) FROM bindings WHERE connection = ?1 AND state = 'linked'");
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  auto row = (*st)->step();
  if (!row) return row.error().with_context("Failed to count links");
  return Counts{(*st)->column_int64(0), (*st)->column_int64(1)};
}

namespace {

void bind_key(store::Statement& st, int index, const CreateIntents::Key& key) {
  std::visit([&](const auto& value) { st.bind(index, value); }, key);
}

}  // namespace

Result<bool> CreateIntents::started(Key key) const {
  auto st = db_.cached(fmt::format("SELECT 1 FROM {} WHERE connection = ?1 AND {} = ?2", table_, key_column_));
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  bind_key(**st, 2, key);
  return (*st)->step();
}

Status CreateIntents::begin(Key key, std::int64_t now_ms) {
  auto st = db_.cached(fmt::format(
      "INSERT INTO {0} (connection, {1}, started_at) VALUES (?1, ?2, ?3) ON CONFLICT (connection, {1}) DO NOTHING",
      table_, key_column_));
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(3, now_ms);
  bind_key(**st, 2, key);
  return (*st)->run();
}

Status CreateIntents::finish(Key key) {
  auto st = db_.cached(fmt::format("DELETE FROM {} WHERE connection = ?1 AND {} = ?2", table_, key_column_));
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  bind_key(**st, 2, key);
  return (*st)->run();
}

Result<std::optional<std::int64_t>> NotesRepo::get(model::PartyId party) const {
  auto st = db_.cached("SELECT note_id FROM engine_notes WHERE connection = ?1 AND party_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, party);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>((*st)->column_int64(0));
}

Status NotesRepo::put(model::PartyId party, std::int64_t note_id) {
  auto st = db_.cached(
      "INSERT INTO engine_notes (connection, party_id, note_id) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (connection, party_id) DO UPDATE SET note_id = excluded.note_id");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, party).bind(3, note_id);
  return (*st)->run();
}

Status NotesRepo::erase(model::PartyId party) {
  auto st = db_.cached("DELETE FROM engine_notes WHERE connection = ?1 AND party_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, party);
  return (*st)->run();
}

}  // namespace capsync::engine
