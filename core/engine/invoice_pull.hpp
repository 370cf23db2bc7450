#pragma once
// InvoicePull: brings the invoice history (R6) up to date, page by page with its cursor. A
// contact with a new or changed invoice becomes pending, which is what makes a Xero contact
// qualify once its first non-draft invoice appears (R3) and what refreshes its summary.

#include <boost/asio/awaitable.hpp>

#include "core/engine/sync_context.hpp"

namespace capsync::engine {

struct InvoicePullResult {
  int invoices_read = 0;
  int changed = 0;
};

boost::asio::awaitable<Result<InvoicePullResult>> pull_invoices(SyncContext& ctx, bool full);

}  // namespace capsync::engine
