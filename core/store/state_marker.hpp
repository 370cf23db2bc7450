#pragma once
// StateMarker: remembers, beside the state database, that capsyncd has run with it, so a
// database that later turns up empty or missing (truncated, deleted, a wrong mount) is refused
// instead of silently starting afresh without its links, created-by-capsync flags and tokens.
//
//   if (auto s = store::check_state_database(path, accept_new); !s) return s;  // before open
//   ... Database::open(path, ...) ...
//   if (auto s = store::mark_state_database(path); !s) return s;               // schema exists

#include <string>

#include "core/error/result.hpp"

namespace capsync::store {

// The marker's path: "<database>.initialized".
std::string state_marker_path(const std::string& database_path);

// Refuses (Errc::not_found) a database that is missing or empty while its marker exists, unless
// `accept_new`; the error names the file and what the operator can do.
Status check_state_database(const std::string& database_path, bool accept_new);

// Writes the marker once (durably) if it is not there yet. Call after the schema exists.
Status mark_state_database(const std::string& database_path);

}  // namespace capsync::store
