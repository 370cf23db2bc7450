#pragma once
// The execute step of one sync: carries out the reconciler's actions on both sides and stores
// what each says to store, including the invoice summaries written onto Capsule parties.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/connector/capsule_connector.hpp"
#include "core/engine/bindings_repo.hpp"
#include "core/engine/connection_store.hpp"
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
  SummaryWriter(connector::CapsuleConnector& capsule, ConnectionStore& store, const sync::ConnectionPolicy& policy,
                std::function<std::int64_t()> now_ms);

  // Resolves the summary field definitions (once).
  boost::asio::awaitable<Status> resolve_fields();

  // Puts `summary`'s field values and overdue tag into `spec`, so the create writes them and
  // the write() after it finds nothing left to PUT.
  boost::asio::awaitable<Status> add_to_create(model::PartySpec& spec, const sync::SummaryWrite& summary);
  // `party_id` was created by this writer's sync just now: it has no note yet, so its first
  // note is created without looking for one an interrupted attempt made.
  void created(model::PartyId party_id) { created_.insert(party_id); }

  // Writes `summary` onto `party_id` (as mirrored; read from Capsule when it is not) and
  // mirrors the party as saved. Errc::not_found when the party no longer exists.
  boost::asio::awaitable<Status> write(model::PartyId party_id, const sync::SummaryWrite& summary);
  // Capsule writes this writer has sent (tried), for the sync's count of its requests.
  int writes() const { return writes_; }

 private:
  // R28: records this connection's reason for the overdue tag and says whether the party
  // should carry it: while this or another connection on the Capsule account needs it.
  boost::asio::awaitable<Result<bool>> overdue_tag_wanted(model::PartyId party_id, bool ours);
  // `may_have_note`: the party may carry a note of capsync's this store does not know (see
  // may_have_note()); only then are its notes listed before the first note is created.
  boost::asio::awaitable<Status> write_note(model::PartyId party_id, const std::optional<std::string>& note,
                                            bool may_have_note);
  // Whether `party`, as read before this write, may carry an invoice note of this connection's
  // that the store does not know: one whose create was interrupted (its intent is still
  // recorded), or one written before the state directory was restored or replaced (the party
  // then shows capsync's summary in this connection's fields). A party capsync has never
  // written to has neither, so its first note needs no listing.
  Result<bool> may_have_note(const model::Party& party) const;
  // A note create retried after its answer was lost (or capsyncd stopped before storing the id)
  // finds the note it made by its heading and updates it instead; true when one was adopted.
  boost::asio::awaitable<Result<bool>> adopt_note(model::PartyId party_id, const std::string& note);

  connector::CapsuleConnector& capsule_;
  PartyMirror& parties_;
  NotesRepo& notes_;
  TagReasons& reasons_;
  const sync::ConnectionPolicy& policy_;
  CreateIntents note_creates_;  // R7 note creates begun and not stored yet
  std::function<std::int64_t()> now_ms_;
  // outstanding, overdue, next_due, last_invoice, open_quotes (0 when the policy reads no quotes)
  std::optional<std::array<std::int64_t, 5>> field_ids_;
  int writes_ = 0;
  std::set<model::PartyId> created_;
};

// ActionExecutor: carries out the reconciler's Actions for one connection, in order, and
// stores what each says to store, so a second pass over the same input decides nothing.
// One executor serves a whole sync (every batch of it), so the field definitions and the
// default team are read from Capsule once per sync. A party it creates carries its invoice
// summary in the create: one write per new party (plus the note, when notes are on).
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
  // Contacts an export created or linked: pending until their summary (R7 note) is written.
  std::vector<std::string> exported;
};

// A failure that every following request or write would meet too.
bool stops_batch(const Error& error);

class ActionExecutor final {
 public:
  explicit ActionExecutor(SyncContext& ctx);

  boost::asio::awaitable<ExecuteOutcome> execute(const std::vector<sync::Action>& actions);

 private:
  // `later`: the actions after this one, where a create finds the summary to write with it.
  boost::asio::awaitable<Status> run(const sync::Action& action, std::span<const sync::Action> later);
  boost::asio::awaitable<Status> link(const sync::LinkParty& a);
  boost::asio::awaitable<Status> create(const std::string& remote_id, sync::ContactRole role, model::PartySpec spec,
                                        const std::string& pushed_hash, bool recreate,
                                        const sync::SummaryWrite* summary);
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
  std::optional<model::TeamRef> team_;  // default_team with its id, resolved once
  int writes_ = 0;
  std::vector<std::string> exported_;  // ExecuteOutcome::exported of the running execute()
};

// True for failures a retry may cure (network, timeouts, 5xx, rate limits, busy store).
bool is_transient(const Error& error);

}  // namespace capsync::engine
