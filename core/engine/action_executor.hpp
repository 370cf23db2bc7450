#pragma once
// The execute step of one sync: carries out the reconciler's actions on both sides and stores
// what each says to store, including the invoice summaries written onto Capsule parties.

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/connector/capsule_connector.hpp"
#include "core/engine/bindings_repo.hpp"
#include "core/engine/mirror_repo.hpp"
#include "core/engine/sync_context.hpp"
#include "core/error/result.hpp"
#include "core/sync/action.hpp"
#include "core/sync/policy.hpp"
#include "core/sync/summary_write.hpp"

namespace capsync::engine {

// SummaryWriter: writes a rendered invoice summary (R6/R7) onto one Capsule party — the four
// custom fields, the overdue tag and the invoice note — in one PUT plus, with notes on, one
// note write. Field definitions are resolved by name once per writer; a missing field fails
// with the connector's message telling the operator which field (and type) to create.
class SummaryWriter final {
 public:
  SummaryWriter(connector::CapsuleConnector& capsule, PartyMirror& parties, NotesRepo& notes,
                const sync::ConnectionPolicy& policy)
      : capsule_(capsule), parties_(parties), notes_(notes), policy_(policy) {}

  // Resolves the summary field definitions (once).
  boost::asio::awaitable<Status> resolve_fields();

  // Writes `summary` onto `party_id` (as mirrored; read from Capsule when it is not) and
  // mirrors the party as saved. Errc::not_found when the party no longer exists.
  boost::asio::awaitable<Status> write(model::PartyId party_id, const sync::SummaryWrite& summary);

 private:
  boost::asio::awaitable<Status> write_note(model::PartyId party_id, const std::optional<std::string>& note);
  // A note create retried after its answer was lost (or capsyncd stopped before storing the id)
  // finds the note it made by its heading and updates it instead; true when one was adopted.
  boost::asio::awaitable<Result<bool>> adopt_note(model::PartyId party_id, const std::string& note);

  connector::CapsuleConnector& capsule_;
  PartyMirror& parties_;
  NotesRepo& notes_;
  const sync::ConnectionPolicy& policy_;
  // outstanding, overdue, next_due, last_invoice, open_quotes (0 when the policy reads no quotes)
  std::optional<std::array<std::int64_t, 5>> field_ids_;
};

// ActionExecutor: carries out the reconciler's Actions for one connection, in order, and
// stores what each says to store, so a second pass over the same input decides nothing.
//
// Failure handling per record: a refusal that needs a person (Errc::conflict, invalid_argument)
// is recorded as a conflict (R13/R17) and the sync goes on; a transient failure of one record
// (network, 5xx, a garbled answer) is logged with that record, the record stays pending with
// its later actions, and the other records go on; the first such failure is returned, so the
// job is retried with backoff for what is left. A failure no other record can escape (rate
// limit, authorization, a broken store) stops the batch at once. A remote id is committed in the same transaction as the record
// that names it, the moment the provider returned it.
struct ExecuteOutcome {
  std::set<std::string> keep_pending;  // contacts whose actions did not complete
  std::optional<Error> error;          // the first failure, if any
  int actions = 0;                     // actions completed
  int writes = 0;                      // provider writes made
};

// A failure that every following request or write would meet too.
bool stops_batch(const Error& error);

class ActionExecutor final {
 public:
  explicit ActionExecutor(SyncContext& ctx);

  boost::asio::awaitable<ExecuteOutcome> execute(const std::vector<sync::Action>& actions);

 private:
  boost::asio::awaitable<Status> run(const sync::Action& action);
  boost::asio::awaitable<Status> link(const sync::LinkParty& a);
  boost::asio::awaitable<Status> create(const std::string& remote_id, sync::ContactRole role, model::PartySpec spec,
                                        const std::string& pushed_hash, bool recreate);
  boost::asio::awaitable<Status> unlink(const sync::Unlink& a);
  boost::asio::awaitable<Status> summary(const sync::UpdateSummary& a);
  boost::asio::awaitable<Status> push(const sync::PushContact& a);
  boost::asio::awaitable<Status> export_contact(const sync::ExportContact& a);
  // R12/R13 before creating: a contact of that name that an interrupted earlier attempt created
  // is linked; any other is a clash, recorded as a conflict.
  struct ExportStart {
    enum class Kind { create, link_earlier, clash };
    Kind kind = Kind::create;
    model::Contact earlier;
  };
  boost::asio::awaitable<Result<ExportStart>> before_export(const sync::ExportContact& a, CreateIntents& intents);
  // Removes the export tag from `party` (as mirrored) once it served its purpose.
  boost::asio::awaitable<Status> remove_tag(model::PartyId party, const std::string& tag);
  Status conflict(const sync::Conflict& c);
  // Records a refusal by a provider as a conflict; other errors are returned unchanged.
  Status refused(const Error& error, sync::ConflictKind kind, std::string remote_id,
                 std::vector<model::PartyId> parties, std::string name);

  SyncContext& ctx_;
  SummaryWriter summaries_;
  int writes_ = 0;
};

// True for failures a retry may cure (network, timeouts, 5xx, rate limits, busy store).
bool is_transient(const Error& error);

}  // namespace capsync::engine
