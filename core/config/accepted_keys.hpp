#pragma once
// Every key capsync.yaml accepts, for checks that the man page and the example document them.

#include <string>
#include <vector>

#include "core/config/provider.hpp"

namespace capsync::config {

// Key paths as the loader reads them, sorted: "state_dir", "queue.lease",
// "connections[].sync.interval", both forms of a secret ("connections[].capsule.token_file",
// "..._credential"), and the keys that hold a map ("connections[].sync"). Provider-specific
// keys are included once for all providers.
std::vector<std::string> accepted_keys(const ProviderCatalog& providers);

}  // namespace capsync::config
