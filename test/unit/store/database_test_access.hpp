#pragma once
// DatabaseTestAccess: the SQLite connection under a store::Database, for tests that inject
// faults through SQLite itself (sqlite3_set_authorizer). Test code only.

#include "core/store/database.hpp"

namespace capsync::store {

struct DatabaseTestAccess {
  static sqlite3* handle(Database& db) { return db.db_; }
};

}  // namespace capsync::store
