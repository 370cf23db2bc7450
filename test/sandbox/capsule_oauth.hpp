#pragma once
// Fake Capsule OAuth 2 for registered apps: the authorize page (api.capsulecrm.com/oauth/authorise,
// British spelling) and the token endpoint (api.capsulecrm.com/oauth/token), served under
// /capsule/oauth/. Client credentials go in the form body. The token answer carries Capsule's
// extra "subdomain" (https://developer.capsulecrm.com/v2/overview/basic-auth-migrate). Access
// tokens last 7 days (https://docs.integry.ai/apps/supported-apps/capsule-crm: "the access token
// expires after seven days"); refresh tokens rotate on every refresh (rotation is undocumented:
// the stricter choice, so capsync must commit each new one). Codes last 5 minutes, single use.
// An issued access token acts for the account's first user, an Administrator, and is recorded
// with its app: only apps manage REST hooks.

#include "test/sandbox/capsule_state.hpp"
#include "test/sandbox/oauth_identity.hpp"

namespace capsync::sandbox {

class CapsuleOAuth final : public OAuthIdentity {
 public:
  CapsuleOAuth(SandboxContext& context, CapsuleState& state);
};

}  // namespace capsync::sandbox
