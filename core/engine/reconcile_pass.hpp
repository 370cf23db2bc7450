#pragma once
// ReconcilePass: reconciles the pending contacts of a connection in batches — each with all of
// its stored invoices — against the store's views, executes the actions, and clears `pending`
// for the contacts whose actions all completed. Also the entry point for one party (push job).

#include <span>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/engine/sync_context.hpp"
#include "core/sync/reconciler.hpp"

namespace capsync::engine {

struct PassResult {
  int contacts = 0;  // contacts reconciled
  int actions = 0;
  int writes = 0;    // provider writes made
};

// `deleted_parties`: linked Capsule parties deleted since the last poll (R14).
boost::asio::awaitable<Result<PassResult>> reconcile_pending(SyncContext& ctx,
                                                             std::span<const model::PartyId> deleted_parties);

// R10/R12 for one Capsule party as mirrored: push its details (with its contact person, for an
// organisation), remember the baseline, or export (when it carries the export tag, or
// `export_requested` by the operator).
boost::asio::awaitable<Result<PassResult>> reconcile_party(SyncContext& ctx, model::PartyId party,
                                                           bool export_requested = false);

// Today in the connection's time zone (R9).
Result<model::Date> today_for(const SyncContext& ctx);

}  // namespace capsync::engine
