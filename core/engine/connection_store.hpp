#pragma once
// ConnectionStore: every repository of one connection over the shared Database.

#include <string>

#include "core/engine/bindings_repo.hpp"
#include "core/engine/conflicts_repo.hpp"
#include "core/engine/contact_mirror.hpp"
#include "core/engine/cursors_repo.hpp"
#include "core/engine/invoices_repo.hpp"
#include "core/engine/notes_repo.hpp"
#include "core/engine/party_mirror.hpp"

namespace capsync::engine {

struct ConnectionStore {
  ConnectionStore(store::Database& database, const std::string& connection)
      : db(database), name(connection), bindings(database, connection), cursors(database, connection), conflicts(database, connection),
        invoices(database, connection), parties(database, connection), contacts(database, connection),
        notes(database, connection) {}
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
};

}  // namespace capsync::engine
