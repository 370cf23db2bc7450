#pragma once
// The engine's own tables (party mirror, contact mirror, conflict identities, invoice notes),
// applied idempotently at engine start-up next to migration 1 of core/store/schema.cpp.
// They belong in migration 2 once the store owner folds them in; until then
// CREATE TABLE IF NOT EXISTS keeps user_version untouched so the daemon's own open still
// accepts the file.

#include "core/error/result.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

// Creates the engine tables and indexes when missing. Safe to call on every start.
Status apply_engine_schema(store::Database& db);

}  // namespace capsync::engine
