#pragma once
// Base64 (RFC 4648) for HTTP Basic credentials, PKCE challenges and signed tokens: the one
// codec every part of capsync (and its sandbox) uses.

#include <optional>
#include <string>
#include <string_view>

namespace capsync::encoding {

// Standard alphabet, padded: "Basic " credentials, HMAC signatures.
std::string base64_encode(std::string_view bytes);
// URL-safe alphabet ('-', '_'), no padding: PKCE verifiers and challenges, JWT segments.
std::string base64url_encode(std::string_view bytes);
// Standard alphabet, padded, length a multiple of 4; nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace capsync::encoding
