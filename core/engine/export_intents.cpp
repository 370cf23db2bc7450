#include "core/engine/export_intents.hpp"

#include "core/store/database.hpp"

namespace capsync::engine {

Result<bool> ExportIntents::started(model::PartyId party) const {
  auto st = db_.cached("SELECT 1 FROM engine_exports WHERE connection = ?1 AND party_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, party);
  return (*st)->step();
}

Status ExportIntents::begin(model::PartyId party, std::int64_t now_ms) {
  auto st = db_.cached(
      "INSERT INTO engine_exports (connection, party_id, started_at) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (connection, party_id) DO NOTHING");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, party).bind(3, now_ms);
  return (*st)->run();
}

Status ExportIntents::finish(model::PartyId party) {
  auto st = db_.cached("DELETE FROM engine_exports WHERE connection = ?1 AND party_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, party);
  return (*st)->run();
}

}  // namespace capsync::engine
