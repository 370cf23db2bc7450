#include "core/webhook/verifier_store.hpp"

#include "core/store/database.hpp"

namespace capsync::webhook {

Status VerifierStore::put(std::string_view connection, std::int64_t callback_id, const Secret& verifier,
                          std::int64_t now_ms) {
  auto st = db_.cached(
      "INSERT INTO webhook_verifiers (connection, callback_id, posted, updated_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (connection, callback_id) DO UPDATE SET posted = excluded.posted, updated_at = excluded.updated_at");
  if (!st) return st.error();
  (*st)->bind(1, connection).bind(2, callback_id).bind(3, verifier.reveal()).bind(4, now_ms);
  return (*st)->run();
}

Result<std::optional<Secret>> VerifierStore::find(std::string_view connection, std::int64_t callback_id) {
  auto st = db_.cached("SELECT posted FROM webhook_verifiers WHERE connection = ?1 AND callback_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection).bind(2, callback_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Secret>();
  return std::optional<Secret>(Secret(std::string((*st)->column_text(0))));
}

Status VerifierStore::mark_verified(std::string_view connection, std::int64_t callback_id, const Secret& verifier) {
  auto st = db_.cached(
      "UPDATE webhook_verifiers SET verified = posted WHERE connection = ?1 AND callback_id = ?2 AND posted = ?3");
  if (!st) return st.error();
  (*st)->bind(1, connection).bind(2, callback_id).bind(3, verifier.reveal());
  return (*st)->run();
}

Result<std::vector<Secret>> VerifierStore::verified(std::string_view connection) {
  auto st = db_.cached(
      "SELECT verified FROM webhook_verifiers WHERE connection = ?1 AND verified != '' ORDER BY callback_id");
  if (!st) return st.error();
  (*st)->bind(1, connection);
  std::vector<Secret> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.emplace_back(std::string((*st)->column_text(0)));
  }
  return out;
}

Status VerifierStore::clear(std::string_view connection) {
  auto st = db_.cached("DELETE FROM webhook_verifiers WHERE connection = ?1");
  if (!st) return st.error();
  (*st)->bind(1, connection);
  return (*st)->run();
}

}  // namespace capsync::webhook
