// R25: FreshBooks callback deliveries are checked against X-FreshBooks-Hmac-SHA256, computed over
// the form fields as Python's json.dumps renders them. The expected values below were computed
// with CPython 3's json.dumps, hmac and base64 on the same fields and key.
#include <catch2/catch.hpp>

#include "connectors/freshbooks/callback_signature.hpp"

using namespace capsync;
using freshbooks::callback_signature;
using freshbooks::callback_signature_matches;
using freshbooks::decode_form;
using freshbooks::python_json;

namespace {
const Secret kVerifier("verifier-code-1");
}

TEST_CASE("R25 a FreshBooks delivery's form is read in order and rendered as Python's json.dumps") {
  const auto fields = decode_form("name=invoice.update&object_id=1234567&account_id=6BApk&user_id=1");
  REQUIRE(fields);
  CHECK(python_json(*fields) ==
        R"({"name": "invoice.update", "object_id": "1234567", "account_id": "6BApk", "user_id": "1"})");
  CHECK(callback_signature(kVerifier, *fields) == "aWFXVSGVX6u+LQLK6oZtNyJHcmZBvimlzMY0I3j7ZsQ=");

  // Escapes: quotes, backslash, newline, DEL, a BMP letter and a character beyond the BMP.
  const auto odd = decode_form("name=client.update&note=Caf%C3%A9+%22A%22%5C+%0A%7F%F0%9F%98%80+%2F");
  REQUIRE(odd);
  CHECK(python_json(*odd) == R"({"name": "client.update", "note": "Caf\u00e9 \"A\"\\ \n\u007f\ud83d\ude00 /"})");
  CHECK(callback_signature(kVerifier, *odd) == "YbB8ZDkSWI9XqUZXec5prK2Y6MdnJfwJ12Vs+lyb3w4=");

  CHECK_FALSE(decode_form("name=%zz"));
  CHECK_FALSE(decode_form("name=%4"));
  CHECK(python_json({}) == "{}");
}

TEST_CASE("R25 a forged FreshBooks signature is refused") {
  const auto fields = decode_form("name=invoice.update&object_id=1234567&account_id=6BApk&user_id=1");
  REQUIRE(fields);
  const std::string good = "aWFXVSGVX6u+LQLK6oZtNyJHcmZBvimlzMY0I3j7ZsQ=";
  CHECK(callback_signature_matches(good, kVerifier, *fields));
  CHECK_FALSE(callback_signature_matches(good, Secret("another-verifier"), *fields));  // signed with another key
  auto changed = *fields;
  changed[1].second = "7654321";  // another record named under the same signature
  CHECK_FALSE(callback_signature_matches(good, kVerifier, changed));
  std::string flipped = good;
  flipped[0] = 'b';
  CHECK_FALSE(callback_signature_matches(flipped, kVerifier, *fields));
  CHECK_FALSE(callback_signature_matches("", kVerifier, *fields));
  CHECK_FALSE(callback_signature_matches(good.substr(0, 43), kVerifier, *fields));
}
