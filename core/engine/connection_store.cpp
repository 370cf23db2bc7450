#include "core/engine/connection_store.hpp"

#include <array>

#include "core/log/log.hpp"
#include "core/store/database.hpp"
#include "core/sync/contact_details.hpp"

namespace capsync::engine {

std::string_view to_string(ConnectionState state) {
  switch (state) {
    case ConnectionState::disabling:
      return "disabling";
    case ConnectionState::disabled:
      return "disabled";
    case ConnectionState::active:
      break;
  }
  return "active";
}

Result<ConnectionState> DisableState::get(std::string_view connection) const {
  auto st = db_.cached("SELECT state FROM engine_disabled WHERE connection = ?1");
  if (!st) return st.error();
  (*st)->bind(1, connection);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return ConnectionState::active;
  return (*st)->column_text(0) == "disabling" ? ConnectionState::disabling : ConnectionState::disabled;
}

bool DisableState::stopped(std::string_view connection) const {
  auto state = get(connection);
  if (!state) {
    log::warning({.connection = std::string(connection)}, "Failed to read whether connection {} is disabled: {}",
                 connection, state.error());
    return false;
  }
  return *state != ConnectionState::active;
}

Status DisableState::mark(std::string_view connection, ConnectionState state, std::int64_t now_ms) {
  if (state == ConnectionState::active) {
    auto was = enable(connection);
    if (!was) return was.error();
    return {};
  }
  auto st = db_.cached(
      "INSERT INTO engine_disabled (connection, state, since) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (connection) DO UPDATE SET state = excluded.state");
  if (!st) return st.error();
  (*st)->bind(1, connection).bind(2, to_string(state)).bind(3, now_ms);
  return (*st)->run();
}

Result<ConnectionState> DisableState::enable(std::string_view connection) {
  auto was = get(connection);
  if (!was) return was;
  auto st = db_.cached("DELETE FROM engine_disabled WHERE connection = ?1");
  if (!st) return st.error();
  (*st)->bind(1, connection);
  if (auto s = (*st)->run(); !s) return s.error();
  return was;
}

Status forget_connection(store::Database& db, std::string_view connection) {
  static constexpr std::string_view kStatements[]{
      "DELETE FROM bindings WHERE connection = ?1",
      "DELETE FROM invoices WHERE connection = ?1",
      "DELETE FROM cursors WHERE connection = ?1",
      "DELETE FROM conflicts WHERE connection = ?1",
      "DELETE FROM engine_conflict_keys WHERE connection = ?1",
      "DELETE FROM engine_notes WHERE connection = ?1",
      "DELETE FROM engine_note_creates WHERE connection = ?1",
      "DELETE FROM engine_parties WHERE connection = ?1",
      "DELETE FROM engine_contacts WHERE connection = ?1",
      "DELETE FROM engine_exports WHERE connection = ?1",
      "DELETE FROM engine_party_creates WHERE connection = ?1",
      "DELETE FROM engine_tag_reasons WHERE connection = ?1",
      "DELETE FROM engine_capsule_accounts WHERE connection = ?1",
      "DELETE FROM engine_quotes WHERE connection = ?1",
      "DELETE FROM engine_quote_waiting WHERE connection = ?1",
  };
  for (const auto sql : kStatements) {
    auto st = db.prepare(sql);
    if (!st) return st.error();
    st->bind(1, connection);
    if (auto s = st->run(); !s) return s;
  }
  return {};
}

namespace {

Result<std::optional<model::Party>> contact_person(const ConnectionStore& store, const model::Party& party,
                                                   std::string_view remote_id) {
  if (party.type != model::PartyType::organisation) return std::optional<model::Party>();
  auto recorded = store.bindings.contact_person(remote_id);
  if (!recorded) return recorded.error();
  return store.parties.contact_person_of(party.id, *recorded);
}

}  // namespace

Result<PushInput> push_input(const ConnectionStore& store, const model::Party& party, std::string_view remote_id) {
  PushInput in;
  auto person = contact_person(store, party, remote_id);
  if (!person) return person.error();
  in.contact_person = std::move(*person);
  auto last = store.bindings.pushed_details(remote_id);
  if (!last) return last.error();
  in.last_pushed = std::move(*last);
  return in;
}

Result<model::ContactDetails> linked_details(const ConnectionStore& store, const model::Party& party,
                                             std::string_view remote_id) {
  auto person = contact_person(store, party, remote_id);
  if (!person) return person.error();
  return sync::push_details(party, *person ? &**person : nullptr);
}

}  // namespace capsync::engine
