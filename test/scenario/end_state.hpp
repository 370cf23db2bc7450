#pragma once
// The end state of a sync world in a form two runs can be compared by: both sides and the
// daemon's store as sorted text lines, free of ids, timestamps and anything else that depends
// on the order records were created in. Two runs that did the same work (one crash-free, one
// killed and restarted, one under faults) yield equal dumps.
//
//   auto before = seed_ids(world, world.state());  // the seeded records, taken before the daemon runs
//   ... sync ...
//   EndState end = EndState::of(world, before);
//   CHECK(end.problems().empty());               // duplicates, orphans, double-counted invoices
//   CHECK(diff(reference.lines, end.lines).empty());

#include <set>
#include <string>
#include <vector>

#include "test/scenario/sync_world.hpp"

namespace capsync::scenario {

// The ids of the records the sandbox was seeded with, so records the daemon created can be told apart.
struct SeedIds {
  std::set<std::string> parties;   // Capsule party ids
  std::set<std::string> contacts;  // the accounting provider's contact ids
};
SeedIds seed_ids(const SyncWorld& world, const SandboxState& state);

struct EndState {
  // Sorted canonical lines: "party …", "note …", "contact …", "binding …", "invoice …", "conflict …".
  std::vector<std::string> lines;
  // Each line names one broken invariant: a duplicate party or contact, a record the daemon
  // created but did not bind, a second invoice note on a party (R7), or a party whose
  // Outstanding field differs from the amount due
  // of its contacts' invoices (an invoice counted twice or missed).
  std::vector<std::string> problems;

  static EndState of(const SyncWorld& world, const SeedIds& seeded);
};

// Lines only in `expected` ("- …") or only in `actual` ("+ …"), at most `limit` of them.
std::vector<std::string> diff(const std::vector<std::string>& expected, const std::vector<std::string>& actual,
                              std::size_t limit = 40);

}  // namespace capsync::scenario
