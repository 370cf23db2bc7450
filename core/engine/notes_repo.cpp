#include "core/engine/notes_repo.hpp"

#include "core/store/database.hpp"

namespace capsync::engine {

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
