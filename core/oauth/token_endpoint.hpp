#pragma once
// The token endpoint call shared by code exchange and refresh (RFC 6749 §4.1.3, §6).

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error/result.hpp"
#include "core/http/client.hpp"
#include "core/http/url_encoding.hpp"
#include "core/oauth/oauth_profile.hpp"
#include "core/secret/secret.hpp"

namespace capsync::oauth {

struct TokenResponse {
  Secret access_token;
  std::optional<Secret> refresh_token;  // absent if the provider did not rotate it
  std::chrono::seconds expires_in{0};
  std::string scope;
};

// Outcome of a token request. A definite refusal carries the OAuth "error" code so the caller can
// tell invalid_grant (needs an operator) from a transient failure (retry later).
struct TokenError {
  Error error;
  std::string oauth_error;  // "invalid_grant", "invalid_client", … or empty for transport errors
  bool definite = false;    // the server answered; false = no response (the old token may still work)
};

// A grant's fields, sent form-encoded (http::form_encode).
using FormFields = http::FormFields;

// Parses a token response body. Values never appear in errors.
Result<TokenResponse> parse_token_response(std::string_view body);

// POSTs the grant (fields without client credentials; they are added per profile.client_auth).
// Never logs the body or headers, nor a 2xx answer: the caller saves the tokens before anything
// else and logs after.
boost::asio::awaitable<std::variant<TokenResponse, TokenError>> request_tokens(
    http::Client& client, const OAuthProfile& profile, FormFields fields, log::Fields ctx);

}  // namespace capsync::oauth
