#pragma once
// PKCE (RFC 7636) and the random values of an authorization request.

#include <string>
#include <string_view>

namespace capsync::oauth {

// n random bytes from the OS CSPRNG, base64url without padding.
std::string random_urlsafe(std::size_t bytes);
// base64url(SHA-256(verifier)) without padding: the S256 code_challenge.
std::string code_challenge_s256(std::string_view verifier);

}  // namespace capsync::oauth
