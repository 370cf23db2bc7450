#include "test/sandbox/freshbooks_identity.hpp"

namespace capsync::sandbox {
namespace {

OAuthProfile freshbooks_profile() {
  OAuthProfile p;
  p.access_lifetime = std::chrono::hours(12);
  p.code_lifetime = std::chrono::minutes(5);
  p.default_scope = "user:profile:read user:clients:read user:clients:write user:invoices:read user:invoices:write";
  p.new_token = OAuthProfile::hex_tokens(4);
  p.json_body = true;
  p.token_type = "Bearer";
  p.created_at = true;
  p.messages = {.post_only = "The token endpoint only accepts POST",
                .bad_client = "Client authentication failed due to unknown client.",
                .bad_code = "The provided authorization grant is invalid, expired or revoked.",
                .bad_refresh = "The provided authorization grant is invalid, expired or revoked.",
                .bad_grant_type = "The authorization grant type is not supported."};
  p.authorize_refusal = "The redirect_uri or client_id is invalid";
  return p;
}

}  // namespace

FreshBooksIdentity::FreshBooksIdentity(SandboxContext& context) : OAuthIdentity(context, freshbooks_profile()) {}

}  // namespace capsync::sandbox
