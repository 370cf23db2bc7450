#pragma once
// Fake Xero identity: the authorize page (login.xero.com), the token endpoint
// (identity.xero.com/connect/token) and GET /connections (api.xero.com/connections).
//
// Refresh tokens rotate on every refresh. Grace choice: the immediately previous refresh
// token may be presented again within 30 minutes (scaled) of its rotation, as long as its
// successor has not been used; that returns a fresh token set and retires the unused successor.

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/json_util.hpp"
#include "test/sandbox/oauth_identity.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

struct XeroTenant {
  std::string connection_id, tenant_id, tenant_name, tenant_type;
};

struct XeroAccessToken {
  std::string client_id;
  TimePoint expires_at;
};

class XeroIdentity final {
 public:
  explicit XeroIdentity(SandboxContext& context);

  void load_seed(const rapidjson::Value& section);
  void dump(JsonWriter& writer) const;

  Response token(const Request& request);
  Response authorize(const Request& request);
  Response connections(const Request& request);

  // The access token presented, if known (expired ones too); nullptr otherwise.
  const XeroAccessToken* find_access_token(const Request& request) const;
  const std::vector<XeroTenant>& tenants() const { return tenants_; }
  const XeroTenant* tenant(std::string_view id) const;

 private:
  struct Code {
    std::string client_id, redirect_uri, challenge, method, scope;
    TimePoint expires_at;
  };
  struct Refresh {
    std::string client_id, scope;
    TimePoint expires_at;         // 60 days unused (scaled)
    std::string successor;        // set once rotated
    TimePoint grace_until{};      // rotated tokens stay usable until then if successor unused
    bool used = false;
  };

  std::string random_token(std::size_t bytes);
  std::string issue(const std::string& client_id, const std::string& scope, bool with_refresh);

  SandboxContext& context_;
  std::mt19937_64 rng_;
  std::map<std::string, OAuthClient> clients_;
  std::map<std::string, Code> codes_;
  std::map<std::string, Refresh> refresh_;
  std::map<std::string, XeroAccessToken> access_;
  std::vector<XeroTenant> tenants_;
};

}  // namespace capsync::sandbox
