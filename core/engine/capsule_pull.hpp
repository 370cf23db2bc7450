#pragma once
// CapsulePull: brings the party mirror up to date from Capsule, page by page, each page's
// rows and push jobs committed with its cursor (a crash re-reads at most one page). Parties
// the mirror already holds as read are dropped, so when nothing changed a pull costs one
// request (two with deletions) and writes nothing. A linked party whose
// pushed fields no longer hash to what was last pushed (or seen), the linked organisation of
// a person whose edit changes its contact person, and an unlinked party with the export tag
// get a `push` job (R10, R12); capsync's own summary writes change no pushed
// field, so their echo enqueues nothing (R11). Deleted parties leave the mirror; those that
// were linked come back as `deleted_bound` for R14, with their contacts marked pending.

#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/engine/sync_context.hpp"

namespace capsync::engine {

struct CapsulePullResult {
  int parties_read = 0;
  int pushes_enqueued = 0;
  std::vector<model::PartyId> deleted_bound;
  // The deletion cursor to commit once the deleted parties were reconciled; empty: unchanged.
  std::string deleted_cursor;
};

struct CapsulePullOptions {
  bool full = false;       // every party (full reconcile), not only those changed since the cursor
  bool deletions = true;   // also read the deleted-parties list: a second request
};

boost::asio::awaitable<Result<CapsulePullResult>> pull_capsule(SyncContext& ctx, CapsulePullOptions options);

}  // namespace capsync::engine
