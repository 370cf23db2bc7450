#include <catch2/catch.hpp>

#include "core/encoding/base64.hpp"

using namespace capsync::encoding;

TEST_CASE("base64 encodes RFC 4648 test vectors, padded", "[encoding][base64]") {
  // RFC 4648 section 10.
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},     {"fo", "Zm8="},
                                                         {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    INFO(plain);
    CHECK(base64_encode(plain) == encoded);
    CHECK(base64_decode(encoded) == std::optional<std::string>(plain));
  }
  CHECK(base64_encode("sandbox-client-id:sandbox-client-secret") ==
        "c2FuZGJveC1jbGllbnQtaWQ6c2FuZGJveC1jbGllbnQtc2VjcmV0");
}

TEST_CASE("base64url uses '-' and '_' and drops the padding", "[encoding][base64]") {
  const std::string bytes("\xfb\xff\xbf\x01", 4);
  CHECK(base64_encode(bytes) == "+/+/AQ==");
  CHECK(base64url_encode(bytes) == "-_-_AQ");
  CHECK(base64url_encode("") == "");
  CHECK(base64url_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 decoding keeps binary bytes and refuses malformed text", "[encoding][base64]") {
  const std::string binary("\x00\xff\x10\x80", 4);
  CHECK(base64_decode(base64_encode(binary)) == std::optional<std::string>(binary));
  CHECK_FALSE(base64_decode("Zm9"));        // not a multiple of 4
  CHECK_FALSE(base64_decode("Zm9v!A=="));   // outside the alphabet
  CHECK_FALSE(base64_decode("-_-_AQ=="));   // URL-safe text is not standard base64
}
