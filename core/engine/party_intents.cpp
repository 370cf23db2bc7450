#include "core/engine/party_intents.hpp"

#include "core/store/database.hpp"

namespace capsync::engine {

Result<bool> PartyIntents::started(std::string_view remote_id) const {
  auto st = db_.cached("SELECT 1 FROM engine_party_creates WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  return (*st)->step();
}

Status PartyIntents::begin(std::string_view remote_id, std::int64_t now_ms) {
  auto st = db_.cached(
      "INSERT INTO engine_party_creates (connection, remote_id, started_at) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (connection, remote_id) DO NOTHING");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id).bind(3, now_ms);
  return (*st)->run();
}

Status PartyIntents::finish(std::string_view remote_id) {
  auto st = db_.cached("DELETE FROM engine_party_creates WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  return (*st)->run();
}

}  // namespace capsync::engine
