// capsync's URL and form encoding read back by the sandbox's decoding, as a provider reads
// them: awkward values arrive unchanged (RFC 6749 Appendix B, application/x-www-form-urlencoded).

#include <catch2/catch.hpp>

#include "core/http/url_encoding.hpp"
#include "test/sandbox/http_message.hpp"

using namespace capsync;

namespace {

// Each one breaks a naive encoder or decoder: separators, '+', '%' escapes, spaces, UTF-8.
const std::vector<std::string> kAwkward = {
    "a b", "a+b", "a&b=c", "x=y", "100%", "%41", "%", "r%2Bf", "Ren\xC3\xA9 \xE2\x98\x83", "", "~-._",
    "line\nbreak", "/?#[]@!$'()*,;", "  leading and trailing  ", "++",
};

}  // namespace

TEST_CASE("Form encoding: every awkward value round-trips through the sandbox's form decoder") {
  http::FormFields fields;
  for (std::size_t i = 0; i < kAwkward.size(); ++i) fields.emplace_back("k " + std::to_string(i) + "&=+", kAwkward[i]);
  CHECK(sandbox::parse_form(http::form_encode(fields)) == fields);

  sandbox::Request request;
  request.query = http::form_encode(fields);
  for (const auto& [key, value] : fields) {
    INFO(value);
    CHECK(request.param(key) == value);
  }
}

TEST_CASE("Form encoding: one component round-trips through the sandbox's decoder") {
  for (const auto& value : kAwkward) {
    INFO(value);
    CHECK(sandbox::url_decode(http::encode_component(value)) == value);
    CHECK(sandbox::url_decode(sandbox::url_encode(value)) == value);
  }
}

TEST_CASE("Form encoding: a space is %20 and a '+' is %2B, which a form decoder reads as ' ' and '+'") {
  CHECK(http::form_encode({{"a b", "c&d"}, {"e", "\xC3\xBC"}}) == "a%20b=c%26d&e=%C3%BC");
  CHECK(http::form_encode({{"scope", "a+b c"}}) == "scope=a%2Bb%20c");
  CHECK(http::encode_component("AZaz09-._~") == "AZaz09-._~");
  // The sandbox reads forms as providers do: '+' and %20 are spaces, %2B is a '+'.
  CHECK(sandbox::parse_form("scope=a+b%20c%2Bd") == http::FormFields{{"scope", "a b c+d"}});
  CHECK(sandbox::parse_form("a=1&&b=&c") == http::FormFields{{"a", "1"}, {"b", ""}, {"c", ""}});
  // A stray '%' is not an escape: a strict server reads no parameters from such a query.
  CHECK(sandbox::parse_form("a=100%&b=2").empty());
  CHECK(sandbox::url_decode("100%") == "100%");
}
