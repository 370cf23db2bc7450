#include "core/config/suggest.hpp"

#include <array>

#include <catch2/catch.hpp>

using capsync::config::closest_match;
using capsync::config::edit_distance;

TEST_CASE("edit_distance counts insertions, deletions, substitutions and transpositions", "[config][suggest]") {
  CHECK(edit_distance("xero", "xero") == 0);
  CHECK(edit_distance("xeroo", "xero") == 1);
  CHECK(edit_distance("sgae", "sage") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("State_Dir", "state_dir") == 0);
}

TEST_CASE("closest_match suggests only plausible typos", "[config][suggest]") {
  constexpr std::array<std::string_view, 3> kModes{"off", "normal", "full"};
  CHECK(closest_match("nromal", kModes) == "normal");
  CHECK(closest_match("ful", kModes) == "full");
  CHECK_FALSE(closest_match("on", kModes).has_value());
  CHECK_FALSE(closest_match("paranoid", kModes).has_value());
  constexpr std::array<std::string_view, 2> kKeys{"interval", "capsule_poll"};
  CHECK(closest_match("intervall", kKeys) == "interval");
}
