#include "test/sandbox/capsule_oauth.hpp"

#include "test/sandbox/json_util.hpp"

namespace capsync::sandbox {
namespace {

OAuthProfile capsule_profile(CapsuleState& state) {
  OAuthProfile p;
  p.access_lifetime = std::chrono::hours(24 * 7);
  p.code_lifetime = std::chrono::minutes(5);
  p.default_scope = "read write";
  p.new_token = OAuthProfile::hex_tokens(3);
  p.extra_fields = {{"subdomain", "sandbox"}};
  p.messages = {.post_only = "The token endpoint only accepts POST",
                .bad_client = "Client authentication failed",
                .bad_code = "The authorization code is invalid or has expired",
                .bad_refresh = "The refresh token is invalid",
                .bad_grant_type = "The authorization grant type is not supported"};
  p.authorize_refusal = "Invalid client_id or redirect_uri";
  // The token acts for the account's first user, an Administrator, and is an app's.
  p.on_issue = [&state](const std::string& access, const std::string& client_id, TimePoint expires_at) {
    state.tokens[access] = state.users.Empty() ? 0 : int_member(state.users[0], "id").value_or(0);
    state.app_tokens[access] = CapsuleAppToken{client_id, expires_at};
  };
  return p;
}

}  // namespace

CapsuleOAuth::CapsuleOAuth(SandboxContext& context, CapsuleState& state)
    : OAuthIdentity(context, capsule_profile(state)) {}

}  // namespace capsync::sandbox
