#pragma once
// pull_quotes: brings the quotes of the accounting side (R18) up to date, page by page, each
// page committed with its cursor like invoices, so a crash re-reads at most one page. A contact
// with a new or changed quote becomes pending, which refreshes its open quotes and note. A
// service whose connector reads no quotes (capabilities().quotes_read false) is skipped
// without a request.

#include <boost/asio/awaitable.hpp>

#include "core/engine/sync_context.hpp"

namespace capsync::engine {

struct QuotePullResult {
  int quotes_read = 0;
  int changed = 0;
};

boost::asio::awaitable<Result<QuotePullResult>> pull_quotes(SyncContext& ctx, bool full);

}  // namespace capsync::engine
