// R24: the signature bytes exactly as Xero computes them, and the comparison.

#include <catch2/catch.hpp>

#include "core/webhook/signature.hpp"

using namespace capsync;
using namespace capsync::webhook;

namespace {
constexpr std::string_view kIntent =
    R"({"events":[],"lastEventSequence":0,"firstEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"})";
}

TEST_CASE("R24 signature: base64 of HMAC-SHA256 keyed by the key string's own bytes") {
  // Expected values from Python's hmac module; the key looks like base64 but is not decoded.
  CHECK(hmac_sha256_base64(Secret("webhook-key=="), kIntent) == "nTAkPmSIQ5/ikjVYW8FzkzIZawg4/ben+y4iTLuqJms=");
  CHECK(hmac_sha256_hex(Secret("key"), "The quick brown fox jumps over the lazy dog") ==
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST_CASE("R24 signature: only the exact signature of the exact body verifies") {
  const Secret key("webhook-key==");
  CHECK(verify_base64_hmac(key, kIntent, "nTAkPmSIQ5/ikjVYW8FzkzIZawg4/ben+y4iTLuqJms="));
  CHECK_FALSE(verify_base64_hmac(key, kIntent, "nTAkPmSIQ5/ikjVYW8FzkzIZawg4/ben+y4iTLuqJmt="));
  CHECK_FALSE(verify_base64_hmac(key, std::string(kIntent) + " ", "nTAkPmSIQ5/ikjVYW8FzkzIZawg4/ben+y4iTLuqJms="));
  CHECK_FALSE(verify_base64_hmac(Secret("other"), kIntent, "nTAkPmSIQ5/ikjVYW8FzkzIZawg4/ben+y4iTLuqJms="));
  CHECK_FALSE(verify_base64_hmac(key, kIntent, ""));
  CHECK_FALSE(verify_base64_hmac(Secret(), kIntent, hmac_sha256_base64(Secret(), kIntent)));
}

TEST_CASE("constant_time_equal compares whole strings") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
  CHECK(constant_time_equal("", ""));
}
