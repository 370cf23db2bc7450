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

// Declares `provider`, one of conformance_providers() (with the given trait, if any).
#define FOR_EACH_PROVIDER(...)                                                                  \
  const std::string provider = GENERATE(from_range(capsync::scenario::conformance_providers(__VA_ARGS__))); \
  CAPTURE(provider)
