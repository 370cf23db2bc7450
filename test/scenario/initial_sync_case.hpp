#pragma once
// The initial sync the crash and fault tests run twice (once undisturbed, once disturbed) and
// compare: a generated seed of accounting contacts with every matching hard case, a few
// Capsule parties tagged for export, and one Capsule edit made mid-sync that must reach the
// accounting service.
//
//   InitialSyncCase sync_case(world);        // before the daemon starts: tags, seed ids
//   world.start_daemon(false);
//   ... wait for sync_case.requests() >= n ...; sync_case.edit();
//   sync_case.finish();                      // settle, one more sync for the edit
//   CHECK(sync_case.edit_arrived());

#include <cstdint>
#include <string>

#include "test/scenario/end_state.hpp"
#include "test/scenario/sync_world.hpp"

namespace capsync::scenario {

class InitialSyncCase {
 public:
  // Generated: `contacts` accounting contacts of `provider` and as many Capsule parties, two
  // invoices per contact.
  static Seed seed(int contacts, const std::string& provider = "xero");
  // Heavily compressed time, so Capsule's and Xero's limits and token lifetimes still apply but
  // the sync runs at the daemon's own speed.
  static WorldOptions options();

  explicit InitialSyncCase(SyncWorld& world);

  // Requests the sandbox has logged since the case began.
  std::int64_t requests() const;
  // Changes the phone number of a party linked by name on both sides.
  void edit();
  // Waits for the start-up sync to settle, then syncs once more so the edit is read whenever it was made.
  void finish(std::chrono::milliseconds timeout = 180s);
  bool edit_arrived() const;
  EndState end_state() const { return EndState::of(world_, seeded_); }

 private:
  SyncWorld& world_;
  SeedIds seeded_;
  std::string edited_party_;
};

}  // namespace capsync::scenario
