#pragma once
// Webhook signatures (R24–R26): HMAC-SHA256 over the raw body and a comparison that takes the
// same time wherever two strings differ, so an attacker cannot find a valid signature byte by
// byte from response times.

#include <string>
#include <string_view>

#include "core/secret/secret.hpp"

namespace capsync::webhook {

// base64(HMAC-SHA256(key, body)), the key used as its own bytes (Xero's webhook key is not
// base64-decoded first: XeroAPI/XeroWebhooksReceiver SignatureVerifier.cs).
std::string hmac_sha256_base64(const Secret& key, std::string_view body);
// hex(HMAC-SHA256(key, body)), lower case.
std::string hmac_sha256_hex(const Secret& key, std::string_view body);

// a == b in time that depends only on their lengths (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

// Whether `signature` (a header's value) is base64(HMAC-SHA256(key, body)). An empty key or
// signature never verifies.
bool verify_base64_hmac(const Secret& key, std::string_view body, std::string_view signature);

}  // namespace capsync::webhook
