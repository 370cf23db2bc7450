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

// The settings a connection's connectors and OAuth tokens were built with (provider, URLs,
// Capsule token, OAuth client, tenant/account/business): they stay as built until a restart.
// Copies each one that differs from `running` back into `next`, so the configuration in force
// says what is really used, and returns one line per setting kept, e.g.
// "accounting.token_url https://a/token -> https://b/token needs a restart; still using https://a/token".
// KashFlow logins are not among them: a reload applies those.
std::vector<std::string> keep_restart_settings(const config::ConnectionConfig& running, config::ConnectionConfig& next);

}  // namespace capsync::daemon
