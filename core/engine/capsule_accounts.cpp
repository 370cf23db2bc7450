#include "core/engine/capsule_accounts.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/store/database.hpp"

namespace capsync::engine {

namespace {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto end = std::min(text.find('\n'), text.size());
    out.emplace_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return out;
}

}  // namespace

Result<bool> CapsuleAccounts::record(std::string_view connection, const connector::CapsuleAccount& account,
                                     const std::vector<std::string>& summary_fields) {
  auto before = get(connection);
  if (!before) return before.error();
  auto st = db_.cached(
      "INSERT INTO engine_capsule_accounts (connection, account, name, summary_fields) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT (connection) DO UPDATE SET account = excluded.account, name = excluded.name,"
      " summary_fields = excluded.summary_fields");
  if (!st) return st.error();
  const std::string fields = fmt::format("{}", fmt::join(summary_fields, "\n"));
  (*st)->bind(1, connection).bind(2, account.key).bind(3, account.name).bind(4, fields);
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

Result<std::vector<std::pair<std::string, std::string>>> CapsuleAccounts::field_clashes(
    std::string_view connection) const {
  std::vector<std::pair<std::string, std::string>> out;
  auto st = db_.cached(
      "SELECT other.connection, mine.summary_fields, other.summary_fields FROM engine_capsule_accounts AS mine"
      " JOIN engine_capsule_accounts AS other ON other.account = mine.account AND other.connection <> mine.connection"
      " WHERE mine.connection = ?1 ORDER BY other.connection");
  if (!st) return st.error();
  (*st)->bind(1, connection);
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    const auto theirs = split_lines((*st)->column_text(2));
    for (const auto& field : split_lines((*st)->column_text(1))) {
      if (std::find(theirs.begin(), theirs.end(), field) == theirs.end()) continue;
      out.emplace_back(std::string((*st)->column_text(0)), field);
      break;
    }
  }
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
