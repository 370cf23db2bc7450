// The OAuth token endpoint's answer parser (access and refresh tokens, expiry, scope), fed any
// body a token endpoint or a man in the middle could send. Any bytes give tokens or an error.

#include "core/oauth/token_endpoint.hpp"
#include "test/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)capsync::oauth::parse_token_response(capsync::fuzz::as_text(data, size));
  return 0;
}
