#pragma once
// Fake Capsule REST hooks: /api/v2/resthooks as https://developer.capsulecrm.com/v2/operations/REST_Hook
// documents it. Only registered apps (OAuth tokens) manage hooks; a personal token gets 403.
// GET lists only the calling app's hooks; an account holds at most 20 hooks, all apps together
// ("Accounts are limited to 20 subscriptions at once",
// https://developer.capsulecrm.com/v2/overview/avoid-polling-with-rest-hooks), and the 21st is
// refused with 422 (the real error text is undocumented). POST answers 201 with the hook and a
// Location; DELETE 204, 404 for a hook of another app. Hooks of other integrations (Zapier…)
// come from the seed's "restHooks" with their own "clientId".

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "test/sandbox/capsule_state.hpp"
#include "test/sandbox/http_message.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

inline constexpr std::size_t kCapsuleRestHookSlots = 20;

// `parts`: the path below /api/v2 split at '/', parts[0] == "resthooks"; `client_id`: the app
// the bearer token was issued to, empty for a personal token.
Response capsule_rest_hooks(CapsuleState& state, const SandboxContext& context, const Request& request,
                            const std::vector<std::string_view>& parts, const std::string& client_id,
                            std::int64_t user);

// The hooks as GET /resthooks shows them, for /_admin/state.
void write_rest_hooks(JsonWriter& writer, const std::vector<CapsuleRestHook>& hooks);

}  // namespace capsync::sandbox
