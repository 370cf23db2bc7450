#include "test/sandbox/freeagent_identity.hpp"

#include "core/encoding/base64.hpp"

namespace capsync::sandbox {
namespace {

OAuthProfile freeagent_profile() {
  OAuthProfile p;
  p.access_lifetime = std::chrono::seconds(3600);
  p.code_lifetime = std::chrono::minutes(15);
  p.refresh_lifetime = std::chrono::seconds(631151957);  // refresh_token_expires_in, ~20 years
  p.new_token = [](std::mt19937_64& rng) {
    std::string raw(30, '\0');
    for (char& c : raw) c = static_cast<char>(rng() & 0xff);
    return "1" + encoding::base64url_encode(raw);
  };
  p.basic_auth = true;
  p.lenient_rotation = true;
  p.refreshes_per_minute = 15;
  p.messages = {.post_only = "The token endpoint only accepts POST",
                .bad_client = "Client authentication failed",
                .bad_code = "The provided authorization grant is invalid, expired or revoked",
                .bad_refresh = "The provided authorization grant is invalid, expired or revoked",
                .bad_grant_type = "The authorization grant type is not supported"};
  p.authorize_refusal = "The OAuth request was not valid: {}";
  return p;
}

}  // namespace

FreeAgentIdentity::FreeAgentIdentity(SandboxContext& context) : OAuthIdentity(context, freeagent_profile()) {}

}  // namespace capsync::sandbox
