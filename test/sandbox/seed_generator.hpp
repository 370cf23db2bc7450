#pragma once
// Deterministic seed documents with the hard matching cases built in (see README.md).

#include <cstdint>
#include <string>
#include <vector>

namespace capsync::sandbox {

struct GeneratorOptions {
  std::uint64_t seed = 42;
  int parties = 50;
  int contacts = 50;
  int invoices = 100;
  int quotes = 50;  // sales quotes, a few per customer, mixed statuses
  std::vector<std::string> currencies{"GBP", "EUR", "USD"};
};

// Same options -> same bytes.
std::string generate_seed(const GeneratorOptions& options);

}  // namespace capsync::sandbox
