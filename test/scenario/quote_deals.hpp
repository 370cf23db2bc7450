#pragma once
// QuoteDeals: Capsule opportunities for the crash test's quote side (R19, R20). Besides the
// generator's own opportunities (some already at "Proposal"), the seed's first organisations
// without one each get an opportunity at "Lead"; a test moves some of those to "Proposal", the
// connection's quotes.from_milestone, and then expects exactly one quote at the provider for
// each opportunity at the milestone whose party is linked, found by its reference.
//
//   QuoteDeals deals(seed);                       // adds the opportunities at Lead
//   options.quotes_yaml = QuoteDeals::kQuotesYaml;
//   auto ids = deals.linked(reference_world, 9);  // added ones whose party a sync linked
//   deals.move(world, {ids[0], ids[1]});          // they reach the milestone
//   auto expected = QuoteDeals::drafted(reference_world);
//   CHECK(QuoteDeals::problems(world, expected).empty());

#include <cstdint>
#include <string>
#include <vector>

#include "test/scenario/sync_world.hpp"

namespace capsync::scenario {

class QuoteDeals {
 public:
  static constexpr const char* kQuotesYaml = "from_milestone: Proposal";

  // Adds an opportunity at the seed's milestone "Lead" for each of its first `count`
  // organisations without one; the seed must have the milestones "Lead" and "Proposal" (the
  // generator's do).
  explicit QuoteDeals(Seed& seed, int count = 200);
  // Up to `count` of the added opportunities whose organisation `world` linked to an existing
  // customer (not a contact it exported, not a supplier only), lowest ids first.
  std::vector<std::int64_t> linked(const SyncWorld& world, std::size_t count) const;
  // Moves the opportunities to Proposal through Capsule's API, as a person would.
  void move(const SyncWorld& world, const std::vector<std::int64_t>& ids) const;

  // The opportunities with a quote at the world's provider (by reference), each once.
  static std::vector<std::int64_t> drafted(const SyncWorld& world);
  // One line per broken rule: an opportunity of `expected` without exactly one quote, or a
  // quote for an opportunity not in `expected`.
  static std::vector<std::string> problems(const SyncWorld& world, const std::vector<std::int64_t>& expected);

 private:
  std::int64_t proposal_ = 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> added_;  // (opportunity, party)
};

}  // namespace capsync::scenario
