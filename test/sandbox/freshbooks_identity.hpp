#pragma once
// Fake FreshBooks OAuth 2.0: the authorize page (auth.freshbooks.com/oauth/authorize) and the
// token endpoint (api.freshbooks.com/auth/oauth/token). Client credentials go in the body,
// which may be a form or JSON (FreshBooks' own examples post JSON). Access tokens last 12 hours;
// a refresh token never expires but is single use: each refresh returns a new one and retires
// the presented one at once. Authorization codes last 5 minutes and are single use.

#include "test/sandbox/oauth_identity.hpp"

namespace capsync::sandbox {

class FreshBooksIdentity final : public OAuthIdentity {
 public:
  explicit FreshBooksIdentity(SandboxContext& context);
};

}  // namespace capsync::sandbox
