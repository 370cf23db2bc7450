#pragma once
// The jobs of one party or one connection besides the syncs: push (R10), the operator's export
// (R12) and disable (R16) — their kinds, the job specs that enqueue them, and their bodies.

#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/engine/connection_store.hpp"
#include "core/engine/reconcile_pass.hpp"
#include "core/engine/sync_context.hpp"
#include "core/queue/job_queue.hpp"

namespace capsync::engine {

// The job kind and keys of an R10 push for one party (record key: never two at once).
inline constexpr std::string_view kind_push = "push";
queue::JobSpec push_job(std::string_view connection, model::PartyId party);

// The operator's R12 export (`capsyncctl export <connection> <party-id>`): a durable job that
// reads the party (and, for a person, their organisation) fresh from Capsule and exports it as
// the reconciler decides — B2C person, B2B organisation with the person as contact person, or
// nothing when it is linked already; a name the accounting side has is a conflict (R13).
inline constexpr std::string_view kind_export = "export";

// Payload: the party id. One export of a party at a time (record key shared with its pushes).
queue::JobSpec export_job(std::string_view connection, model::PartyId party);

boost::asio::awaitable<Result<PassResult>> export_party(SyncContext& ctx, model::PartyId party);

// R16 disable: a durable job that removes what capsync wrote onto Capsule parties — the
// summary field values, the overdue tag, the invoice note — from every linked party, forgets
// the connection's links, invoices, notes, cursors, conflicts and mirrors, and leaves the
// connection disabled (DisableState) until the operator enables it again. Parties capsync
// created stay in Capsule; nothing changes on the accounting side.
//
// Crash-safe: the connection is marked disabling first, each party's link is forgotten as soon
// as its cleanup is done, and a re-run (the job is retried after a crash) carries on with the
// links that are left.
inline constexpr std::string_view kind_disable = "disable";

queue::JobSpec disable_job(std::string_view connection);

struct DisableResult {
  int parties_cleared = 0;  // linked parties whose summary, tag and note were removed
};

boost::asio::awaitable<Result<DisableResult>> disable_connection(SyncContext& ctx, DisableState& state);

}  // namespace capsync::engine
