#pragma once
// refresh_from_webhooks: the body of the webhook_refresh job (R23). The records webhook
// deliveries named for one connection (core/webhook/refresh_store.hpp) are read back through
// the API — in bulk where the service can (Xero `IDs=`), else through the incremental listing
// — into the mirrors, and then the normal reconcile runs. Nothing from a payload is used as
// data. A record read back unchanged (capsync's own write coming back, R11) is not pending,
// so it causes no write. Each page of records is removed from the refresh table in the same
// transaction that stores what was read, unless a newer event for it arrived meanwhile; a
// listing (the Capsule poll) removes only the rows taken before it began, so a hint that arrives
// while it runs, for an edit it may have missed, is refreshed by the next run.

#include <boost/asio/awaitable.hpp>

#include "core/engine/reconcile_pass.hpp"
#include "core/engine/sync_context.hpp"

namespace capsync::webhook {
class RefreshStore;
}

namespace capsync::engine {

struct RefreshResult {
  int contacts_read = 0;
  int invoices_read = 0;
  int changed = 0;       // contacts or invoices whose stored record changed
  bool listed = false;   // the service cannot read by id: the incremental listing ran instead
  bool capsule_polled = false;
  PassResult pass;
};

boost::asio::awaitable<Result<RefreshResult>> refresh_from_webhooks(SyncContext& ctx, webhook::RefreshStore& refreshes);

}  // namespace capsync::engine
