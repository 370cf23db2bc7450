#pragma once
// DisableState: whether the operator disabled a connection (R16), in `engine_disabled`.
// `capsyncctl disable` marks it disabling at once (its pulls and polls stop being scheduled),
// the disable job removes capsync's writes from Capsule and forgets the links, then marks it
// disabled. It stays so across restarts until `capsyncctl enable`. Shared by the daemon
// (scheduling, admin commands) and the engine (handlers); each uses its own Database.

#include <cstdint>
#include <string_view>

#include "core/error/result.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

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
// cursors, conflicts, mirrors, export intents — but not its jobs, tokens or rate budgets.
// Meant to run inside the caller's Transaction.
Status forget_connection(store::Database& db, std::string_view connection);

}  // namespace capsync::engine
