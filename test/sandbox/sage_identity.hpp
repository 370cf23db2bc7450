#pragma once
// Fake Sage identity: the authorize page (www.sageone.com/oauth2/auth/central) and the token
// endpoint (oauth.accounting.sage.com/token). Client credentials go in the form body.
// Access tokens last 5 minutes, refresh tokens 31 days; a refresh token is single use: each
// refresh returns a new one and retires the old at once (no grace window). Auth codes last
// 60 seconds and are single use.

#include "test/sandbox/oauth_identity.hpp"

namespace capsync::sandbox {

class SageIdentity final : public OAuthIdentity {
 public:
  explicit SageIdentity(SandboxContext& context);
};

}  // namespace capsync::sandbox
