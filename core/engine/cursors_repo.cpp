#include "core/engine/cursors_repo.hpp"

#include "core/store/database.hpp"

namespace capsync::engine {

Result<std::string> CursorsRepo::get(std::string_view resource) const {
  auto st = db_.cached("SELECT value FROM cursors WHERE connection = ?1 AND resource = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, resource);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::string();
  return std::string((*st)->column_text(0));
}

Status CursorsRepo::set(std::string_view resource, std::string_view value, std::int64_t now_ms) {
  auto st = db_.cached(
      "INSERT INTO cursors (connection, resource, value, updated_at) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT (connection, resource) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, resource).bind(3, value).bind(4, now_ms);
  return (*st)->run();
}

}  // namespace capsync::engine
