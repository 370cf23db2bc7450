#pragma once
// ContactPull: brings the contact mirror up to date from the accounting service, page by
// page, each page committed with its cursor. A contact whose stored record changed becomes
// pending (to be reconciled). A full pass (empty cursor) marks every contact pending, and —
// only after the scan completed — asks the provider about linked contacts it did not list,
// which are marked deleted when the provider no longer has them (R15; Xero has no deletion feed).

#include <boost/asio/awaitable.hpp>

#include "core/engine/sync_context.hpp"

namespace capsync::engine {

struct ContactPullResult {
  int contacts_read = 0;
  int changed = 0;
};

boost::asio::awaitable<Result<ContactPullResult>> pull_contacts(SyncContext& ctx, bool full);

}  // namespace capsync::engine
