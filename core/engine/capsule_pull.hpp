#pragma once
// CapsulePull: brings the party mirror up to date from Capsule, page by page, each page's
// rows committed with its cursor (a crash re-reads at most one page). A linked party whose
// pushed fields no longer hash to what was last pushed (or seen), and an unlinked party with
// the export tag, get a `push` job (R10, R12); capsync's own summary writes change no pushed
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
  // The deletion cursor to commit once the deleted parties were reconciled.
  std::string deleted_cursor;
};

// `full`: read every party (full reconcile) instead of those changed since the cursor.
boost::asio::awaitable<Result<CapsulePullResult>> pull_capsule(SyncContext& ctx, bool full);

}  // namespace capsync::engine
