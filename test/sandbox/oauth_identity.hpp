#pragma once
// A fake OAuth 2.0 provider: the authorize page (authorization code, redirect with code and
// state) and the token endpoint (authorization_code and refresh_token grants, client
// credentials in the form body). What differs between providers (lifetimes, token shape,
// client authentication, error texts, rotation, rate limit) is an OAuthProfile, so Capsule,
// FreshBooks, Sage and FreeAgent share one implementation. Codes are single use. Access and
// code lifetimes are credential lifetimes of the sandbox clock, refresh lifetimes are scaled.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

// A registered app: its secret and redirect URIs (none registered: any is taken).
struct OAuthClient {
  std::string secret;
  std::vector<std::string> redirect_uris;
};
// The "clients" of a provider's seed section ([{client_id, client_secret, redirect_uris}]).
std::map<std::string, OAuthClient> oauth_clients(const rapidjson::Value& section);

struct OAuthProfile {
  std::chrono::milliseconds access_lifetime{};
  std::chrono::milliseconds code_lifetime{};
  std::optional<std::chrono::milliseconds> refresh_lifetime;  // none: never expires
  // Scope a code gets when the authorize request names none; none: the provider has no scopes
  // (codes carry none and the token answer has no "scope").
  std::optional<std::string> default_scope;
  std::function<std::string(std::mt19937_64&)> new_token;  // an access token, refresh token or code
  // Tokens of `words` random 64-bit words in hex.
  static std::function<std::string(std::mt19937_64&)> hex_tokens(int words);
  bool json_body = false;   // a JSON token request body is read too (Content-Type says json)
  bool basic_auth = false;  // client credentials may come by HTTP Basic, ahead of the body
  // false: a refresh token retires at once when used. true: it keeps working until its
  // successor is used (the lenient reading of an undocumented rotation).
  bool lenient_rotation = false;
  int refreshes_per_minute = 0;  // 0: no limit on refresh grants
  // The token answer: "token_type", whether it says "created_at" (Unix seconds), and string
  // fields the provider adds at its end.
  std::string token_type = "bearer";
  bool created_at = false;
  std::vector<std::pair<std::string, std::string>> extra_fields;
  // error_description of each refusal; an empty one is left out with the whole field.
  struct Messages {
    std::string post_only, bad_client, bad_code, bad_refresh, bad_grant_type;
  } messages;
  // The text of a 400 from the authorize page; "{}" takes the reason, where the provider says it.
  std::string authorize_refusal;
  std::string redirect_extra;  // appended to the redirect after code and state ("&country=gb")
  // Called for each access token issued (the Capsule sandbox records who it acts for).
  std::function<void(const std::string& access, const std::string& client_id, TimePoint expires_at)> on_issue;
};

class OAuthIdentity {
 public:
  struct AccessToken {
    std::string client_id;
    TimePoint expires_at;
  };
  // Whether the request carries a bearer token this identity issued; `expired` says if it lapsed.
  enum class TokenState { unknown, expired, live };

  OAuthIdentity(SandboxContext& context, OAuthProfile profile);
  OAuthIdentity(const OAuthIdentity&) = delete;
  OAuthIdentity& operator=(const OAuthIdentity&) = delete;

  // The "clients" ([{client_id, client_secret, redirect_uris}]) and "refreshTokens" (strings,
  // or {token, client_id, scope}) of the provider's seed section; forgets everything else.
  void load_seed(const rapidjson::Value& section);

  Response token(const Request& request);
  Response authorize(const Request& request);

  // The bearer token presented, if ever issued (expired ones too); nullptr otherwise.
  const AccessToken* find_access_token(const Request& request) const;
  TokenState check(const Request& request) const;

 protected:
  ~OAuthIdentity() = default;

 private:
  struct Code {
    std::string client_id, redirect_uri, scope;
    TimePoint expires_at;
  };
  struct Refresh {
    std::string client_id, scope;
    std::optional<TimePoint> expires_at;
    std::string successor;  // lenient rotation: the token this one was refreshed into
    bool used = false;
  };

  Response error(int status, std::string_view error, const std::string& description) const;
  std::optional<Response> refresh_limited(TimePoint now);
  Response refresh(const std::string& client_id, const std::string& presented, TimePoint now);
  // Issues an access and a refresh token; the token answer's body.
  std::string issue(const std::string& client_id, const std::string& scope, std::string* refresh_out = nullptr);

  SandboxContext& context_;
  OAuthProfile profile_;
  std::mt19937_64 rng_;
  std::map<std::string, OAuthClient> clients_;
  std::map<std::string, Code> codes_;
  std::map<std::string, Refresh> refresh_;
  std::map<std::string, AccessToken> access_;
  TimePoint refresh_window_start_{};
  int refreshes_in_window_ = 0;
};

}  // namespace capsync::sandbox
