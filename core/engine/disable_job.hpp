#pragma once
// R16 disable: a durable job that removes what capsync wrote onto Capsule parties — the
// summary field values, the overdue tag, the invoice note — from every linked party, forgets
// the connection's links, invoices, notes, cursors, conflicts and mirrors, and leaves the
// connection disabled (DisableState) until the operator enables it again. Parties capsync
// created stay in Capsule; nothing changes on the accounting side.
//
// Crash-safe: the connection is marked disabling first, each party's link is forgotten as soon
// as its cleanup is done, and a re-run (the job is retried after a crash) carries on with the
// links that are left.

#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/engine/connection_store.hpp"
#include "core/engine/sync_context.hpp"
#include "core/queue/job_queue.hpp"

namespace capsync::engine {

inline constexpr std::string_view kind_disable = "disable";

queue::JobSpec disable_job(std::string_view connection);

struct DisableResult {
  int parties_cleared = 0;  // linked parties whose summary, tag and note were removed
};

boost::asio::awaitable<Result<DisableResult>> disable_connection(SyncContext& ctx, DisableState& state);

}  // namespace capsync::engine
