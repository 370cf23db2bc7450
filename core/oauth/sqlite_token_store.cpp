#include "core/oauth/sqlite_token_store.hpp"

#include "core/store/database.hpp"

namespace capsync::oauth {

namespace {
using std::chrono::system_clock;
std::int64_t to_ms(system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
system_clock::time_point from_ms(std::int64_t ms) { return system_clock::time_point(std::chrono::milliseconds(ms)); }
TokenState parse_state(std::string_view text) {
  return text == "needs_authorization"    ? TokenState::needs_authorization
         : text == "credentials_rejected" ? TokenState::credentials_rejected
                                          : TokenState::ok;
}
}  // namespace

Result<std::optional<TokenRecord>> SqliteTokenStore::load(const std::string& connection) {
  auto st = db_.cached(
      "SELECT access_token, refresh_token, expires_at, scope, tenant_id, state, updated_at FROM tokens WHERE connection = ?1");
  if (!st) return st.error();
  (*st)->bind(1, connection);
  auto row = (*st)->step();
  if (!row) return row.error().with_context("Failed to read OAuth tokens");
  if (!*row) return std::optional<TokenRecord>{};
  TokenRecord r;
  r.connection = connection;
  r.access_token = Secret(std::string((*st)->column_text(0)));
  r.refresh_token = Secret(std::string((*st)->column_text(1)));
  r.expires_at = from_ms((*st)->column_int64(2));
  r.scope = std::string((*st)->column_text(3));
  r.tenant_id = std::string((*st)->column_text(4));
  r.state = parse_state((*st)->column_text(5));
  r.updated_at = from_ms((*st)->column_int64(6));
  return std::optional<TokenRecord>{std::move(r)};
}

Status SqliteTokenStore::save(const TokenRecord& r) {
  auto st = db_.cached(
      "INSERT INTO tokens (connection, access_token, refresh_token, expires_at, scope, tenant_id, state, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (connection) DO UPDATE SET access_token = excluded.access_token, "
      "refresh_token = excluded.refresh_token, expires_at = excluded.expires_at, scope = excluded.scope, "
      "tenant_id = excluded.tenant_id, state = excluded.state, updated_at = excluded.updated_at");
  if (!st) return st.error();
  (*st)->bind(1, r.connection)
      .bind(2, r.access_token.reveal())
      .bind(3, r.refresh_token.reveal())
      .bind(4, to_ms(r.expires_at))
      .bind(5, r.scope)
      .bind(6, r.tenant_id)
      .bind(7, to_string(r.state))
      .bind(8, to_ms(r.updated_at));
  if (auto s = (*st)->run(); !s) return s.error().with_context("Failed to save OAuth tokens");
  return {};
}

Status SqliteTokenStore::set_state(const std::string& connection, TokenState state) {
  auto st = db_.cached(
      "INSERT INTO tokens (connection, state, updated_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (connection) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at");
  if (!st) return st.error();
  (*st)->bind(1, connection).bind(2, to_string(state)).bind(3, to_ms(system_clock::now()));
  if (auto s = (*st)->run(); !s) return s.error().with_context("Failed to save the token state");
  return {};
}

Result<std::optional<TokenState>> SqliteTokenStore::state(const std::string& connection) {
  auto st = db_.cached("SELECT state FROM tokens WHERE connection = ?1");
  if (!st) return st.error();
  (*st)->bind(1, connection);
  auto row = (*st)->step();
  if (!row) return row.error().with_context("Failed to read the token state");
  if (!*row) return std::optional<TokenState>{};
  return std::optional<TokenState>{parse_state((*st)->column_text(0))};
}

}  // namespace capsync::oauth
