#pragma once
// Quotes for the generated books of the services whose renderers add them (FreeAgent, Sage,
// KashFlow): derived from the data set's sales invoices, so every seed of the same options has
// the same quotes. Every other sales invoice of a live customer gets a quote on the same
// customer for its subtotal and currency, dated two weeks before it; their statuses go round
// draft, sent, accepted, declined, invoiced, expired, so every seeded book holds each.

#include <cstdint>
#include <string>
#include <vector>

#include "test/sandbox/seed_dataset.hpp"

namespace capsync::sandbox {

enum class SeedQuoteStatus { draft, sent, accepted, declined, invoiced, expired };

struct SeedQuote {
  std::string key;          // the invoice's key with "q" in front: stable, distinct from it
  std::size_t contact = 0;  // index into SeedDataset::contacts
  std::size_t number = 0;   // 1, 2, ... in the seed
  SeedQuoteStatus status = SeedQuoteStatus::draft;
  std::string subtotal, currency, updated_at;
  std::int64_t date_offset_days = 0, expiry_offset_days = 0;  // expired ones expire before today
};

std::vector<SeedQuote> derive_seed_quotes(const SeedDataset& data);

}  // namespace capsync::sandbox
