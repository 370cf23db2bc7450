#pragma once
// OAuthProfile: how one provider's authorization server wants to be spoken to. Each provider's
// comes from its registry entry (connectors/registry), with the client's credentials filled in.

#include <string>

#include "core/secret/secret.hpp"

namespace capsync::oauth {

enum class ClientAuth {
  basic,  // Authorization: Basic base64(client_id:client_secret)
  body,   // client_id and client_secret in the form body
};

struct OAuthProfile {
  std::string provider;  // the provider's config name, for logs and metrics
  std::string authorize_url;
  std::string token_url;
  std::string client_id;
  Secret client_secret;
  ClientAuth client_auth = ClientAuth::basic;
  bool pkce = false;   // send an S256 code_challenge
  std::string scope;   // space separated; empty = leave out
  // Added to "The provider issued no refresh token" where a missing scope is the usual cause.
  std::string no_refresh_token_hint;
};

}  // namespace capsync::oauth
