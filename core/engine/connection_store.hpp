#pragma once
// The store of one connection as a whole: every repository of it together, whether the
// operator disabled it, forgetting all of it (R16), and the reads across repositories a push
// is decided from.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/engine/bindings_repo.hpp"
#include "core/engine/conflicts_repo.hpp"
#include "core/engine/mirror_repo.hpp"
#include "core/engine/tag_reasons.hpp"
#include "core/engine/quotes_repo.hpp"
#include "core/error/result.hpp"
#include "core/model/contact.hpp"
#include "core/model/party.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

// ConnectionStore: every repository of one connection over the shared Database.
struct ConnectionStore {
  ConnectionStore(store::Database& database, const std::string& connection)
      : db(database), name(connection), bindings(database, connection), cursors(database, connection), conflicts(database, connection),
        invoices(database, connection), parties(database, connection), contacts(database, connection),
        notes(database, connection), tag_reasons(database, connection), quotes(database, connection),
        quote_intents(database, connection), quote_waiting(database, connection) {}
  ConnectionStore(const ConnectionStore&) = delete;
  ConnectionStore& operator=(const ConnectionStore&) = delete;

  store::Database& db;
  std::string name;  // the connection whose rows these are
  BindingsRepo bindings;
  CursorsRepo cursors;
  ConflictsRepo conflicts;
  InvoicesRepo invoices;
  PartyMirror parties;
  ContactMirror contacts;
  NotesRepo notes;
  TagReasons tag_reasons;
  QuotesRepo quotes;
  QuoteIntents quote_intents;
  QuoteWaiting quote_waiting;
};

// DisableState: whether the operator disabled a connection (R16), in `engine_disabled`.
// `capsyncctl disable` marks it disabling at once (its pulls and polls stop being scheduled),
// the disable job removes capsync's writes from Capsule and forgets the links, then marks it
// disabled. It stays so across restarts until `capsyncctl enable`. Shared by the daemon
// (scheduling, admin commands) and the engine (handlers); each uses its own Database.
enum class ConnectionState { active, disabling, disabled };

std::string_view to_string(ConnectionState state);

class DisableState final {
 public:
  explicit DisableState(store::Database& db) : db_(db) {}

  // active when no row exists (or the engine tables are not there yet).
  Result<ConnectionState> get(std::string_view connection) const;
  // True unless the connection is active; a store failure reads as active (and is logged), so a
  // hiccup never silently stops a connection.
  bool stopped(std::string_view connection) const;
  Status mark(std::string_view connection, ConnectionState state, std::int64_t now_ms);
  // Back to active; returns the state it had.
  Result<ConnectionState> enable(std::string_view connection);

 private:
  store::Database& db_;
};

// R16: deletes everything the store holds about `connection` — bindings, invoices, notes,
// cursors, conflicts, mirrors, export intents, opportunities waiting for a quote — but not its jobs, tokens, rate budgets or quote
// intents (R20: one quote per opportunity, ever).
// Meant to run inside the caller's Transaction.
Status forget_connection(store::Database& db, std::string_view connection);

// PushInput: what an R10 push of a linked Capsule party is decided from besides the party
// itself, read from the store: the organisation's contact person (PartyMirror::
// contact_person_of) and the details last pushed to (or linked with) its accounting contact.
struct PushInput {
  std::optional<model::Party> contact_person;  // organisations only
  std::optional<model::ContactDetails> last_pushed;
};

// `remote_id` is the accounting contact `party` is linked to.
Result<PushInput> push_input(const ConnectionStore& store, const model::Party& party, std::string_view remote_id);

// What a push of `party` sends now (sync::push_details with its contact person): the baseline
// a new link stores and what the pushed hash is compared with.
Result<model::ContactDetails> linked_details(const ConnectionStore& store, const model::Party& party,
                                             std::string_view remote_id);

}  // namespace capsync::engine
