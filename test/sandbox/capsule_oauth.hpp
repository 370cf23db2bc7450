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

#include <map>
#include <random>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/capsule_state.hpp"
#include "test/sandbox/http_message.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

class CapsuleOAuth final {
 public:
  CapsuleOAuth(SandboxContext& context, CapsuleState& state);

  // The "clients" of the capsule seed section: [{client_id, client_secret, redirect_uris}].
  void load_seed(const rapidjson::Value& section);

  Response token(const Request& request);
  Response authorize(const Request& request);

 private:
  struct Client {
    std::string secret;
    std::vector<std::string> redirect_uris;
  };
  struct Code {
    std::string client_id, redirect_uri, scope;
    TimePoint expires_at;
  };
  struct Refresh {
    std::string client_id, scope;
  };

  std::string random_token();
  std::string issue(const std::string& client_id, const std::string& scope);

  SandboxContext& context_;
  CapsuleState& state_;
  std::mt19937_64 rng_;
  std::map<std::string, Client> clients_;
  std::map<std::string, Code> codes_;
  std::map<std::string, Refresh> refresh_;
};

}  // namespace capsync::sandbox
