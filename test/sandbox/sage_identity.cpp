#include "test/sandbox/sage_identity.hpp"

namespace capsync::sandbox {
namespace {

// Sage's refusals carry no error_description.
OAuthProfile sage_profile() {
  OAuthProfile p;
  p.access_lifetime = std::chrono::seconds(300);
  p.code_lifetime = std::chrono::seconds(60);
  p.refresh_lifetime = std::chrono::hours(24 * 31);
  p.default_scope = "full_access";
  p.new_token = OAuthProfile::hex_tokens(3);
  p.extra_fields = {{"requested_by_id", "1b2c3d4e5f60718293a4b5c6d7e8f901"}};
  p.authorize_refusal = "The redirect_uri or client_id is invalid";
  p.redirect_extra = "&country=gb";
  return p;
}

}  // namespace

SageIdentity::SageIdentity(SandboxContext& context) : OAuthIdentity(context, sage_profile()) {}

}  // namespace capsync::sandbox
