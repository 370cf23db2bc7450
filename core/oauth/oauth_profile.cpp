#include "core/oauth/oauth_profile.hpp"

namespace capsync::oauth {

OAuthProfile default_profile(std::string_view provider) {
  OAuthProfile p;
  p.provider = std::string(provider);
  if (provider == "xero") {
    p.authorize_url = "https://login.xero.com/identity/connect/authorize";
    p.token_url = "https://identity.xero.com/connect/token";
    p.client_auth = ClientAuth::basic;
    p.pkce = true;
    // offline_access or Xero issues no refresh token.
    p.scope = "offline_access accounting.contacts accounting.transactions accounting.settings.read";
  } else if (provider == "freeagent") {
    p.authorize_url = "https://api.freeagent.com/v2/approve_app";
    p.token_url = "https://api.freeagent.com/v2/token_endpoint";
    p.client_auth = ClientAuth::basic;
  } else if (provider == "freshbooks") {
    p.authorize_url = "https://auth.freshbooks.com/oauth/authorize";
    p.token_url = "https://api.freshbooks.com/auth/oauth/token";
    p.client_auth = ClientAuth::body;
  } else if (provider == "sage") {
    p.authorize_url = "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1";
    p.token_url = "https://oauth.accounting.sage.com/token";
    p.client_auth = ClientAuth::body;
    p.scope = "full_access";
  } else if (provider == "capsule") {
    p.authorize_url = "https://api.capsulecrm.com/oauth/authorise";
    p.token_url = "https://api.capsulecrm.com/oauth/token";
    p.client_auth = ClientAuth::body;
    p.scope = "read write";
  }
  return p;
}

OAuthProfile configured_profile(std::string_view provider, std::string_view token_url, std::string_view authorize_url,
                                std::string client_id, Secret client_secret) {
  OAuthProfile p = default_profile(provider);
  if (!token_url.empty()) p.token_url = std::string(token_url);
  if (!authorize_url.empty()) p.authorize_url = std::string(authorize_url);
  p.client_id = std::move(client_id);
  p.client_secret = std::move(client_secret);
  return p;
}

}  // namespace capsync::oauth
