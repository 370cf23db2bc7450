#pragma once
// Fake FreeAgent OAuth 2.0 (https://api.freeagent.com/v2/approve_app and /v2/token_endpoint):
// authorization code (15 min, single use) and refresh grants, client credentials by HTTP
// Basic (or in the form body). Access tokens last 1 hour; refresh tokens 20 years. Every
// refresh returns a new refresh token; the presented one keeps working until its successor
// is used (whether FreeAgent retires it at once is unverified, this is the lenient reading).
// Token refreshes are limited to 15 per minute per user, as documented.

#include "test/sandbox/oauth_identity.hpp"

namespace capsync::sandbox {

using FreeAgentAccessToken = OAuthIdentity::AccessToken;

class FreeAgentIdentity final : public OAuthIdentity {
 public:
  explicit FreeAgentIdentity(SandboxContext& context);

  // FreeAgent's authorize page.
  Response approve_app(const Request& request) { return authorize(request); }
};

}  // namespace capsync::sandbox
