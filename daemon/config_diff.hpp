#pragma once
// What a reload changes, in words for the journal: "connection beta added",
// "connection acme changed: sync.interval 2h -> 30m", "log_level info -> debug",
// "state_dir changed (takes effect after a restart)".

#include <string>
#include <vector>

#include "core/config/settings.hpp"

namespace capsync::daemon {

// One entry per change, in a stable order (global settings, then connections by name).
// Secrets are compared but never shown: a changed token reads "capsule.token changed".
std::vector<std::string> describe_changes(const config::Config& before, const config::Config& after);

}  // namespace capsync::daemon
