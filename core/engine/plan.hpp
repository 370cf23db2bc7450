#pragma once
// Plan: what the next sync of one connection would do (`capsyncctl plan`) — links, Capsule
// parties to create, Capsule parties whose summary (open quotes included), tags or note would
// change, contacts to push and to export, quotes to draft from opportunities, links to end,
// and new conflicts — with no write on either side.
//
// The sync runs as the next pull job would (from the stored cursors; `full` as a full
// reconcile), then the push jobs that pull would queue, on an in-memory copy of the state
// database, through PlanCapsule/PlanAccounting (plan_connectors.hpp): real reads, recorded
// writes. The copy is dropped afterwards, so the daemon's store and its running jobs are
// untouched and need not wait.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/config/settings.hpp"
#include "core/engine/sync_context.hpp"
#include "core/error/result.hpp"
#include "core/model/party.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

struct PlanParty {
  model::PartyId id = 0;  // 0: a party the sync would create
  std::string name;
  friend bool operator==(const PlanParty&, const PlanParty&) = default;
};

struct PlanContact {
  std::string id;  // empty: a contact the sync would create (export)
  std::string name;
  friend bool operator==(const PlanContact&, const PlanContact&) = default;
};

// One party or contact and what would happen to it, e.g. "Outstanding: '' -> '120.00'".
struct PlanEntry {
  std::optional<PlanParty> party;
  std::optional<PlanContact> contact;
  std::vector<std::string> changes;
};

// A conflict the sync would record (R17), as `capsyncctl conflicts` would then show it.
struct PlanConflict {
  std::string kind;
  std::vector<PlanParty> parties;
  std::optional<PlanContact> contact;
  std::string detail;
};

struct Plan {
  std::vector<PlanEntry> link;               // R1: contact and party linked by exact name
  std::vector<PlanEntry> create_in_capsule;  // R2/R3/R14: parties created for contacts
  std::vector<PlanEntry> update_in_capsule;  // R6–R8: summary fields, tags, invoice note
  std::vector<PlanEntry> push;               // R10/R11: contact fields that would change
  std::vector<PlanEntry> export_contacts;    // R12: contacts created from parties
  // R19-R22: quotes drafted from opportunities or updated with them, the opportunities' quote
  // notes and accepted tags; one change each, with the quote's contact and party when it has one.
  std::vector<PlanEntry> quotes;
  std::vector<PlanEntry> unlink;             // links that would end (R14/R15)
  std::vector<PlanConflict> conflicts;       // R17: new ones only
  int reads = 0;                             // provider read calls made by the plan
};

struct PlanOptions {
  bool full = false;
  std::function<std::int64_t()> now_ms;  // empty: the system clock
};

// `db` is the daemon's state database (copied, never written); `connectors` the connection's
// real connectors, used for reads only. Quotes are drafted as the sync job would, after it.
boost::asio::awaitable<Result<Plan>> plan_sync(store::Database& db, const config::ConnectionConfig& connection,
                                               Connectors connectors, PlanOptions options);

}  // namespace capsync::engine
