#pragma once
// capsync's schema, as the ordered list of migrations Database::open applies.

#include <span>

#include "core/store/database.hpp"

namespace capsync::store {

// Every migration this build knows, oldest first; the last one's version is the newest schema.
std::span<const Migration> schema_migrations();

}  // namespace capsync::store
