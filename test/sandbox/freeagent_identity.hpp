#pragma once
// Fake FreeAgent OAuth 2.0 (https://api.freeagent.com/v2/approve_app and /v2/token_endpoint):
// authorization code (15 min, single use) and refresh grants, client credentials by HTTP
// Basic (or in the form body). Access tokens last 1 hour; refresh tokens 20 years. Every
// refresh returns a new refresh token; the presented one keeps working until its successor
// is used (whether FreeAgent retires it at once is unverified, this is the lenient reading).
// Token refreshes are limited to 15 per minute per user, as documented.

#include <map>
#include <optional>
#include <random>
#include <string>

#include <rapidjson/document.h>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

struct FreeAgentAccessToken {
  std::string client_id;
  TimePoint expires_at;
};

class FreeAgentIdentity final {
 public:
  explicit FreeAgentIdentity(SandboxContext& context);

  void load_seed(const rapidjson::Value& section);

  Response token(const Request& request);
  Response approve_app(const Request& request);

  // The bearer token presented, if ever issued (expired ones too); nullptr otherwise.
  const FreeAgentAccessToken* find_access_token(const Request& request) const;

 private:
  struct Client {
    std::string secret;
    std::vector<std::string> redirect_uris;
  };
  struct Code {
    std::string client_id, redirect_uri;
    TimePoint expires_at;
  };
  struct Refresh {
    std::string client_id;
    TimePoint expires_at;
    std::string successor;
    bool used = false;
  };

  std::string random_token();
  std::string issue(const std::string& client_id);

  SandboxContext& context_;
  std::mt19937_64 rng_;
  std::map<std::string, Client> clients_;
  std::map<std::string, Code> codes_;
  std::map<std::string, Refresh> refresh_;
  std::map<std::string, FreeAgentAccessToken> access_;
  TimePoint refresh_window_start_{};
  int refreshes_in_window_ = 0;
};

}  // namespace capsync::sandbox
