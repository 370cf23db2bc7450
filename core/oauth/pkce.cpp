#include "core/oauth/pkce.hpp"

#include <stdexcept>
#include <vector>

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "core/encoding/base64.hpp"

namespace capsync::oauth {

std::string random_urlsafe(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  return encoding::base64url_encode(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
}

std::string code_challenge_s256(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return encoding::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace capsync::oauth
