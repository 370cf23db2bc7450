#include "core/engine/party_mirror.hpp"

#include <fmt/format.h>

#include "core/engine/record_codec.hpp"
#include "core/model/name_key.hpp"
#include "core/store/database.hpp"

namespace capsync::engine {

Result<std::vector<sync::PartyCandidate>> PartyMirror::find(std::string_view column, std::string_view key) const {
  std::vector<sync::PartyCandidate> out;
  if (key.empty()) return out;
  auto st = db_.cached(fmt::format(
      "SELECT party_id, type, name FROM engine_parties WHERE connection = ?1 AND {} = ?2 ORDER BY party_id", column));
  if (!st) return st.error().with_context("Failed to read the party mirror");
  (*st)->bind(1, connection_).bind(2, key);
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error().with_context("Failed to read the party mirror");
    if (!*row) break;
    out.push_back(sync::PartyCandidate{
        (*st)->column_int64(0),
        (*st)->column_text(1) == "person" ? model::PartyType::person : model::PartyType::organisation,
        std::string((*st)->column_text(2))});
  }
  return out;
}

Result<std::vector<sync::PartyCandidate>> PartyMirror::find_by_exact_key(std::string_view key) const {
  return find("exact_key", key);
}
Result<std::vector<sync::PartyCandidate>> PartyMirror::find_by_normalized_key(std::string_view key) const {
  return find("normalized_key", key);
}
Result<std::vector<sync::PartyCandidate>> PartyMirror::find_by_near_key(std::string_view key) const {
  return find("near_key", key);
}

Status PartyMirror::upsert(const model::Party& p) {
  const std::string name = p.display_name();
  auto st = db_.cached(
      "INSERT INTO engine_parties (connection, party_id, type, name, exact_key, normalized_key, near_key, updated_at,"
      " body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (connection, party_id) DO UPDATE SET"
      " type = excluded.type, name = excluded.name, exact_key = excluded.exact_key,"
      " normalized_key = excluded.normalized_key, near_key = excluded.near_key, updated_at = excluded.updated_at,"
      " body = excluded.body");
  if (!st) return st.error();
  auto& s = **st;
  s.bind(1, connection_).bind(2, p.id).bind(3, model::to_string(p.type)).bind(4, name)
      .bind(5, model::exact_key(name)).bind(6, model::normalized_key(name)).bind(7, model::near_key(name));
  if (p.updated_at) s.bind(8, p.updated_at->time_since_epoch().count()); else s.bind(8, std::nullopt);
  s.bind(9, encode_party(p));
  return s.run();
}

Status PartyMirror::remove(model::PartyId id) {
  auto st = db_.cached("DELETE FROM engine_parties WHERE connection = ?1 AND party_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, id);
  return (*st)->run();
}

Result<bool> PartyMirror::holds(const model::Party& p) const {
  auto st = db_.cached("SELECT body FROM engine_parties WHERE connection = ?1 AND party_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, p.id);
  auto row = (*st)->step();
  if (!row) return row.error();
  return *row && (*st)->column_text(0) == encode_party(p);
}

Result<std::optional<model::Party>> PartyMirror::get(model::PartyId id) const {
  auto st = db_.cached("SELECT body FROM engine_parties WHERE connection = ?1 AND party_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<model::Party>();
  auto party = decode_party((*st)->column_text(0));
  if (!party) return party.error();
  return std::optional<model::Party>(std::move(*party));
}

Result<std::optional<model::Party>> PartyMirror::contact_person_of(model::PartyId organisation,
                                                                   std::optional<model::PartyId> recorded) const {
  if (recorded) {
    auto person = get(*recorded);
    if (!person) return person.error();
    if (*person && (*person)->organisation && (*person)->organisation->id == organisation) return person;
  }
  auto st = db_.cached(
      "SELECT body FROM engine_parties WHERE connection = ?1 AND json_extract(body, '$.organisation.id') = ?2"
      " ORDER BY party_id LIMIT 1");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, organisation);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<model::Party>();
  auto party = decode_party((*st)->column_text(0));
  if (!party) return party.error();
  return std::optional<model::Party>(std::move(*party));
}

}  // namespace capsync::engine
