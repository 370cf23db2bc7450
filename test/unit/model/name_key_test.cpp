#include <catch2/catch.hpp>

#include "core/model/name_key.hpp"

using namespace capsync::model;

namespace {
const std::string kNfc = "Caf\xC3\xA9";    // U+00E9
const std::string kNfd = "Cafe\xCC\x81";   // e + U+0301
const std::string kNbsp = "\xC2\xA0";      // U+00A0
const std::string kEmSpace = "\xE2\x80\x83";
}  // namespace

TEST_CASE("R1 exact key trims Unicode white space and applies NFC only", "[model][name]") {
  CHECK(exact_key("  Acme Ltd\t") == "Acme Ltd");
  CHECK(exact_key(kNbsp + "Acme" + kEmSpace) == "Acme");
  CHECK(exact_key(kNfd) == kNfc);
  CHECK(exact_key(kNfd) == exact_key(kNfc));
  // Nothing else folded.
  CHECK(exact_key("ACME Ltd") != exact_key("Acme Ltd"));
  CHECK(exact_key("Acme  Ltd") != exact_key("Acme Ltd"));
  CHECK(exact_key("Acme" + kNbsp + "Ltd") != exact_key("Acme Ltd"));
  CHECK(exact_key("Acme") != exact_key("Acme Ltd"));
  CHECK(exact_key("").empty());
  CHECK(exact_key(kNbsp).empty());
}

TEST_CASE("R1 normalized key folds case, spacing and one legal suffix", "[model][name]") {
  const auto acme = normalized_key("Acme");
  CHECK(acme == "acme");
  for (const char* variant : {"ACME Ltd", "Acme  Limited", " acme ltd. ", "Acme, Inc.", "Acme LLC",
                              "Acme GmbH", "Acme PLC", "Acme LLP", "Acme Pty Ltd", "Acme S.A.",
                              "Acme SARL", "Acme B.V.", "Acme AG", "Acme Inc", "acme, ltd"}) {
    INFO(variant);
    CHECK(normalized_key(variant) == acme);
  }
  CHECK(normalized_key("Acme" + kNbsp + "Trading") == "acme trading");
  CHECK(normalized_key(kNfd + " LTD") == normalized_key(kNfc));
  CHECK(normalized_key("CAFÉ") == normalized_key("café"));
  // Only one suffix, only at the end, only after a separator, never the whole name.
  CHECK(normalized_key("Acme Ltd Ltd") == "acme ltd");
  CHECK(normalized_key("Ltd Acme") == "ltd acme");
  CHECK(normalized_key("Plcx") == "plcx");
  CHECK(normalized_key("Balag") == "balag");
  CHECK(normalized_key("Limited") == "limited");
  CHECK(normalized_key("Acme Ltd.") == normalized_key("Acme Ltd"));
}

TEST_CASE("R17 near key also ignores punctuation and spacing", "[model][name]") {
  CHECK(near_key("A.C.M.E. Ltd") == near_key("acme"));
  CHECK(near_key("Smith-Jones") == near_key("Smith Jones"));
  CHECK(near_key("O'Brien & Co") == near_key("OBrien & Co"));
  CHECK(near_key("Acme Trading") != near_key("Acme"));
  CHECK(near_key("Acme") != near_key("Acne"));
}

TEST_CASE("R1 invalid UTF-8 is kept byte for byte without crashing", "[model][name]") {
  const std::string bad = "Acme \xFF\xFE Ltd";
  CHECK(exact_key("  " + bad + " ") == bad);
  CHECK(normalized_key(bad) == "acme \xFF\xFE");
  CHECK(near_key(bad) == "acme\xFF\xFE");
  CHECK(exact_key("\xC3") == "\xC3");  // truncated sequence
}

TEST_CASE("R1 person display name is First Last", "[model][name]") {
  CHECK(person_display_name("Scott", "Spacey") == "Scott Spacey");
  CHECK(person_display_name(" Scott ", "Spacey ") == "Scott Spacey");
  CHECK(person_display_name("", "Spacey") == "Spacey");
  CHECK(person_display_name("Scott", "") == "Scott");
}
