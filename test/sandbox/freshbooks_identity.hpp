#pragma once
// Fake FreshBooks OAuth 2.0: the authorize page (auth.freshbooks.com/oauth/authorize) and the
// token endpoint (api.freshbooks.com/auth/oauth/token). Client credentials go in the body,
// which may be a form or JSON (FreshBooks' own examples post JSON). Access tokens last 12 hours;
// a refresh token never expires but is single use: each refresh returns a new one and retires
// the presented one at once. Authorization codes last 5 minutes and are single use.

#include <map>
#include <random>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

class FreshBooksIdentity final {
 public:
  explicit FreshBooksIdentity(SandboxContext& context);

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
