#include "core/engine/tag_reasons.hpp"

#include "core/store/database.hpp"

namespace capsync::engine {

Status TagReasons::set(std::string_view account, model::PartyId party, std::string_view tag, bool needed) {
  auto st = db_.cached(needed ? "INSERT OR IGNORE INTO engine_tag_reasons (account, party_id, tag, connection)"
                                " VALUES (?1, ?2, ?3, ?4)"
                              : "DELETE FROM engine_tag_reasons"
                                " WHERE account = ?1 AND party_id = ?2 AND tag = ?3 AND connection = ?4");
  if (!st) return st.error();
  (*st)->bind(1, account).bind(2, party).bind(3, tag).bind(4, connection_);
  return (*st)->run();
}

Result<bool> TagReasons::needed_by_others(std::string_view account, model::PartyId party, std::string_view tag) const {
  auto st = db_.cached(
      "SELECT 1 FROM engine_tag_reasons WHERE account = ?1 AND party_id = ?2 AND tag = ?3 AND connection <> ?4 LIMIT 1");
  if (!st) return st.error();
  (*st)->bind(1, account).bind(2, party).bind(3, tag).bind(4, connection_);
  auto row = (*st)->step();
  if (!row) return row.error();
  return *row;
}

}  // namespace capsync::engine
