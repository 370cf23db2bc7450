#pragma once
// The conformance suite's way to run one test case against every provider: each provider is
// one Catch2 generator run, and a failure names its provider.
//
//   TEST_CASE("R14 deleted party is re-created") {
//     FOR_EACH_PROVIDER();                         // or FOR_EACH_PROVIDER(Trait::archive_writes)
//     Seed seed(provider);
//     ...

#include <string>

#include <catch2/catch.hpp>

#include "test/scenario/provider_kit.hpp"

// Declares `provider`, one of conformance_providers() (with the given trait, if any). A run
// narrowed by CAPSYNC_CONFORMANCE to providers without the trait has nothing to check: the case
// ends there (Catch2 fails a generator with no values). A provider the trait leaves out is
// named with its kit's reason ("SKIP xero: ..."), as is a caveat ("NOTE sage: ..."), once.
#define FOR_EACH_PROVIDER(...)                                                                  \
  for (const auto& trait_note_ : capsync::scenario::trait_notes(__VA_ARGS__)) WARN(trait_note_); \
  const std::vector<std::string> conformance_list_ = capsync::scenario::conformance_providers(__VA_ARGS__); \
  if (conformance_list_.empty()) {                                                              \
    SUCCEED("no provider of this run has the trait");                                           \
    return;                                                                                     \
  }                                                                                             \
  const std::string provider = GENERATE_REF(from_range(conformance_list_));                     \
  CAPTURE(provider)
