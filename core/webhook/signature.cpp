#include "core/webhook/signature.hpp"

#include <array>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/encoding/base64.hpp"

namespace capsync::webhook {

namespace {

std::string hmac_sha256(const Secret& key, std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const std::string_view k = key.reveal();
  if (HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()), reinterpret_cast<const unsigned char*>(body.data()),
           body.size(), digest.data(), &length) == nullptr)
    return {};
  return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

}  // namespace

std::string hmac_sha256_base64(const Secret& key, std::string_view body) {
  return encoding::base64_encode(hmac_sha256(key, body));
}

std::string hmac_sha256_hex(const Secret& key, std::string_view body) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : hmac_sha256(key, body)) {
    out += kHex[c >> 4];
    out += kHex[c & 0x0f];
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // the length of a signature is no secret
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool verify_base64_hmac(const Secret& key, std::string_view body, std::string_view signature) {
  if (key.empty() || signature.empty()) return false;
  return constant_time_equal(hmac_sha256_base64(key, body), signature);
}

}  // namespace capsync::webhook
