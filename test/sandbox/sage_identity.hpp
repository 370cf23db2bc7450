#pragma once
// Fake Sage identity: the authorize page (www.sageone.com/oauth2/auth/central) and the token
// endpoint (oauth.accounting.sage.com/token). Client credentials go in the form body.
// Access tokens last 5 minutes, refresh tokens 31 days; a refresh token is single use: each
// refresh returns a new one and retires the old at once (no grace window). Auth codes last
// 60 seconds and are single use.

#include <map>
#include <random>
#include <string>

#include <rapidjson/document.h>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/json_util.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

class SageIdentity final {
 public:
  explicit SageIdentity(SandboxContext& context);

  void load_seed(const rapidjson::Value& section);

  Response token(const Request& request);
  Response authorize(const Request& request);

  // Whether the request carries a bearer token this identity issued; `expired` says if it lapsed.
  enum class TokenState { unknown, expired, live };
  TokenState check(const Request& request) const;

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
    TimePoint expires_at;
  };

  std::string random_token();
  std::string issue(const std::string& client_id, const std::string& scope);

  SandboxContext& context_;
  std::mt19937_64 rng_;
  std::map<std::string, Client> clients_;
  std::map<std::string, Code> codes_;
  std::map<std::string, Refresh> refresh_;
  std::map<std::string, TimePoint> access_;  // token -> expiry
};

}  // namespace capsync::sandbox
