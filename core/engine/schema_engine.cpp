#include "core/engine/schema_engine.hpp"

#include <string_view>

#include "core/store/database.hpp"

namespace capsync::engine {
namespace {

// Times are unix ms. `body` columns hold the record as last read (record_codec), so the
// engine can reconcile, push and patch without re-reading the provider.
constexpr std::string_view kEngineSchema = R"sql(
-- Capsule parties of a connection with their R1/R17 name keys: the reconciler's PartyIndex.
CREATE TABLE IF NOT EXISTS engine_parties (
  connection TEXT NOT NULL,
  party_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  exact_key TEXT NOT NULL,
  normalized_key TEXT NOT NULL,
  near_key TEXT NOT NULL,
  updated_at INTEGER,
  body TEXT NOT NULL,
  PRIMARY KEY (connection, party_id)
);
CREATE INDEX IF NOT EXISTS engine_parties_exact ON engine_parties (connection, exact_key);
CREATE INDEX IF NOT EXISTS engine_parties_normalized ON engine_parties (connection, normalized_key);
CREATE INDEX IF NOT EXISTS engine_parties_near ON engine_parties (connection, near_key);

-- Accounting contacts of a connection; `pending` = changed (or its invoices changed) and not
-- reconciled yet, so a crash between pulling and reconciling loses nothing.
CREATE TABLE IF NOT EXISTS engine_contacts (
  connection TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  name TEXT NOT NULL,
  exact_key TEXT NOT NULL,
  status TEXT NOT NULL,
  updated_at INTEGER,
  pending INTEGER NOT NULL DEFAULT 1,
  body TEXT NOT NULL,
  PRIMARY KEY (connection, remote_id)
);
CREATE INDEX IF NOT EXISTS engine_contacts_exact ON engine_contacts (connection, exact_key);
CREATE INDEX IF NOT EXISTS engine_contacts_pending ON engine_contacts (connection, remote_id) WHERE pending = 1;

-- Stable identity (sync::Conflict::identity) of each recorded conflict, so none is recorded twice.
CREATE TABLE IF NOT EXISTS engine_conflict_keys (
  connection TEXT NOT NULL,
  identity TEXT NOT NULL,
  conflict_id INTEGER NOT NULL,
  PRIMARY KEY (connection, identity)
);

-- The one R7 invoice note per linked party.
CREATE TABLE IF NOT EXISTS engine_notes (
  connection TEXT NOT NULL,
  party_id INTEGER NOT NULL,
  note_id INTEGER NOT NULL,
  PRIMARY KEY (connection, party_id)
);

-- R12 exports begun and not linked yet: a retried export looks for the contact it may have
-- created (by name) before creating another.
CREATE TABLE IF NOT EXISTS engine_exports (
  connection TEXT NOT NULL,
  party_id INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  PRIMARY KEY (connection, party_id)
);

-- R16 connections disabled by the operator: 'disabling' while capsync's summaries, tags and
-- notes are removed from Capsule, then 'disabled'. No row = the connection syncs.
CREATE TABLE IF NOT EXISTS engine_disabled (
  connection TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('disabling', 'disabled')),
  since INTEGER NOT NULL
);
)sql";

}  // namespace

Status apply_engine_schema(store::Database& db) {
  auto tx = db.begin();
  if (!tx) return tx.error();
  if (auto s = db.exec(kEngineSchema); !s) return s.error().with_context("cannot create the sync engine tables");
  return tx->commit();
}

}  // namespace capsync::engine
