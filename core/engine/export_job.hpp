#pragma once
// The operator's R12 export (`capsyncctl export <connection> <party-id>`): a durable job that
// reads the party (and, for a person, their organisation) fresh from Capsule and exports it as
// the reconciler decides — B2C person, B2B organisation with the person as contact person, or
// nothing when it is linked already; a name the accounting side has is a conflict (R13).

#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/engine/reconcile_pass.hpp"
#include "core/engine/sync_context.hpp"
#include "core/queue/job_queue.hpp"

namespace capsync::engine {

inline constexpr std::string_view kind_export = "export";

// Payload: the party id. One export of a party at a time (record key shared with its pushes).
queue::JobSpec export_job(std::string_view connection, model::PartyId party);

boost::asio::awaitable<Result<PassResult>> export_party(SyncContext& ctx, model::PartyId party);

}  // namespace capsync::engine
