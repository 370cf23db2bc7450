#include "core/engine/capsule_accounts.hpp"

#include "core/store/database.hpp"

namespace capsync::engine {

Result<bool> CapsuleAccounts::record(std::string_view connection, const connector::CapsuleAccount& account) {
  auto before = get(connection);
  if (!before) return before.error();
  if (*before && (*before)->key == account.key && (*before)->name == account.name) return false;
  auto st = db_.cached(
      "INSERT INTO engine_capsule_accounts (connection, account, name) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (connection) DO UPDATE SET account = excluded.account, name = excluded.name");
  if (!st) return st.error();
  (*st)->bind(1, connection).bind(2, account.key).bind(3, account.name);
  if (auto s = (*st)->run(); !s) return s.error();
  return !*before || (*before)->key != account.key;
}

Result<std::optional<connector::CapsuleAccount>> CapsuleAccounts::get(std::string_view connection) const {
  auto st = db_.cached("SELECT account, name FROM engine_capsule_accounts WHERE connection = ?1");
  if (!st) return st.error();
  (*st)->bind(1, connection);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<connector::CapsuleAccount>();
  connector::CapsuleAccount out;
  out.key = (*st)->column_text(0);
  out.name = (*st)->column_text(1);
  return std::optional<connector::CapsuleAccount>(std::move(out));
}

Result<std::vector<std::string>> CapsuleAccounts::sharing_with(std::string_view connection) const {
  auto st = db_.cached(
      "SELECT other.connection FROM engine_capsule_accounts AS mine JOIN engine_capsule_accounts AS other"
      " ON other.account = mine.account AND other.connection <> mine.connection"
      " WHERE mine.connection = ?1 ORDER BY other.connection");
  if (!st) return st.error();
  (*st)->bind(1, connection);
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
