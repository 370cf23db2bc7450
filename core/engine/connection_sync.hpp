#pragma once
// ConnectionSync: one sync of one connection, the body of the pull, capsule_poll and
// full_reconcile jobs — pull both sides into the store, then reconcile what is pending and
// execute its actions. SyncEngine runs it under the connection's lock; `capsyncctl plan`
// runs it on a copy of the store with connectors that only read (plan.hpp).

#include <boost/asio/awaitable.hpp>

#include "core/engine/pull.hpp"
#include "core/engine/reconcile_pass.hpp"
#include "core/engine/sync_context.hpp"

namespace capsync::engine {

//   pull  changed parties, deletions, contacts and invoices since the cursors
//   poll  changed Capsule parties only (deletions wait for the pull)
//   full  everything from empty cursors, every contact reconciled again
enum class SyncMode { pull, poll, full };

struct SyncRunResult {
  CapsulePullResult capsule;
  ContactPullResult contacts;
  InvoicePullResult invoices;
  PassResult pass;
};

boost::asio::awaitable<Result<SyncRunResult>> sync_connection(SyncContext& ctx, SyncMode mode);

}  // namespace capsync::engine
