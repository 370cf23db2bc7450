#pragma once
// OAuthProfile: how one provider's authorization server wants to be spoken to.

#include <string>
#include <string_view>

#include "core/secret/secret.hpp"

namespace capsync::oauth {

enum class ClientAuth {
  basic,  // Authorization: Basic base64(client_id:client_secret)  (Xero, FreeAgent)
  body,   // client_id and client_secret in the form body          (FreshBooks, Sage)
};

struct OAuthProfile {
  std::string provider;  // "xero", "freshbooks", "freeagent", "sage", "capsule"
  std::string authorize_url;
  std::string token_url;
  std::string client_id;
  Secret client_secret;
  ClientAuth client_auth = ClientAuth::basic;
  bool pkce = false;   // send an S256 code_challenge
  std::string scope;   // space separated; empty = leave out
};

// Provider defaults (urls, client auth, PKCE, scope); the caller fills in client_id/secret and
// may override the urls (sandbox). Xero: Basic, PKCE, "offline_access accounting.contacts
// accounting.transactions accounting.settings.read"; FreeAgent: Basic; FreshBooks, Sage: body.
OAuthProfile default_profile(std::string_view provider);
// default_profile(provider) with the client's credentials and, where not empty, the configured
// endpoints instead of the defaults (a sandbox, a regional host).
OAuthProfile configured_profile(std::string_view provider, std::string_view token_url, std::string_view authorize_url,
                                std::string client_id, Secret client_secret);

}  // namespace capsync::oauth
