#include "core/engine/plan.hpp"

#include <chrono>
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/engine/connection_store.hpp"
#include "core/engine/jobs.hpp"
#include "core/engine/plan_connectors.hpp"
#include "core/engine/quote_drafts.hpp"
#include "core/engine/quote_side.hpp"
#include "core/engine/sync_engine.hpp"
#include "core/store/database.hpp"
#include "core/sync/policy.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

namespace {

std::string party_name(const ConnectionStore& store, model::PartyId id) {
  auto p = store.parties.get(id);
  return p && *p ? (*p)->display_name() : std::string();
}

std::string contact_name(const ConnectionStore& store, std::string_view remote_id) {
  auto c = store.contacts.get(remote_id);
  return c && *c ? (*c)->display_name() : std::string();
}

// The id `sql` (?1 the connection, ?2 the note) gives for a stored note: the party an invoice
// note is on, or the opportunity a quote note (R22) is on.
std::optional<std::int64_t> note_owner(store::Database& db, std::string_view sql, const std::string& connection,
                                       std::int64_t note) {
  auto st = db.cached(sql);
  if (!st) return std::nullopt;
  (*st)->bind(1, connection).bind(2, note);
  auto row = (*st)->step();
  if (!row || !*row) return std::nullopt;
  return (*st)->column_int64(0);
}

constexpr std::string_view kNoteParty = "SELECT party_id FROM engine_notes WHERE connection = ?1 AND note_id = ?2";
constexpr std::string_view kNoteOpportunity =
    "SELECT opportunity_id FROM engine_quote_intents WHERE connection = ?1 AND note_id = ?2";

PlanEntry* entry_with_contact(std::vector<PlanEntry>& entries, std::string_view remote_id) {
  for (auto& e : entries)
    if (e.contact && e.contact->id == remote_id) return &e;
  return nullptr;
}

// Bindings and conflicts the sync left on the copy, compared with before, name the links,
// creates, exports and conflicts; the recorded writes say what each would send.
Status describe_store_changes(const ConnectionStore& store, const std::vector<sync::Binding>& before,
                              const std::vector<StoredConflict>& conflicts_before, Plan& plan) {
  std::map<std::string, sync::Binding, std::less<>> was;
  for (const auto& b : before) was.emplace(b.remote_id, b);
  auto after = store.bindings.all();
  if (!after) return after.error();
  std::set<std::string, std::less<>> still;
  for (const auto& b : *after) {
    still.insert(b.remote_id);
    auto old = was.find(b.remote_id);
    if (old != was.end() && old->second.party_id == b.party_id) continue;
    const PlanContact contact{b.remote_id, contact_name(store, b.remote_id)};
    if (b.party_id < 0) {
      auto& created = entry_for_party(plan.create_in_capsule, b.party_id, "");
      created.contact = contact;
      if (old != was.end())
        created.changes.push_back(fmt::format("re-created: the linked party {} was deleted (R14)", old->second.party_id));
    } else if (PlanAccounting::planned_id(b.remote_id)) {
      if (auto* e = entry_with_contact(plan.export_contacts, b.remote_id))
        e->party = PlanParty{b.party_id, party_name(store, b.party_id)};
    } else {
      plan.link.push_back(PlanEntry{PlanParty{b.party_id, party_name(store, b.party_id)}, contact, {}});
    }
  }
  for (const auto& b : before)
    if (!still.contains(b.remote_id))
      plan.unlink.push_back(PlanEntry{PlanParty{b.party_id, party_name(store, b.party_id)},
                                      PlanContact{b.remote_id, contact_name(store, b.remote_id)}, {}});
  for (auto* list : {&plan.push, &plan.quotes})
    for (auto& e : *list) {
      if (!e.contact) continue;  // a quote note or tag on an opportunity
      auto b = store.bindings.find_by_remote_id(e.contact->id);
      if (!b) return b.error();
      if (*b) e.party = PlanParty{(*b)->party_id, party_name(store, (*b)->party_id)};
    }

  auto open = store.conflicts.open();
  if (!open) return open.error();
  std::set<std::int64_t> known;
  for (const auto& c : conflicts_before) known.insert(c.id);
  for (const auto& c : *open) {
    if (known.contains(c.id)) continue;
    PlanConflict out{c.kind, {}, std::nullopt, c.detail};
    std::string_view ids = c.capsule_id;
    while (!ids.empty()) {
      const auto comma = ids.find(',');
      const std::string one(ids.substr(0, comma));
      ids = comma == std::string_view::npos ? std::string_view() : ids.substr(comma + 1);
      try {
        const model::PartyId id = std::stoll(one);
        out.parties.push_back(PlanParty{id, party_name(store, id)});
      } catch (const std::exception&) {
        out.parties.push_back(PlanParty{0, one});
      }
    }
    if (!c.remote_id.empty()) out.contact = PlanContact{c.remote_id, contact_name(store, c.remote_id)};
    plan.conflicts.push_back(std::move(out));
  }
  return {};
}

// Records the plan made up stand for "to be created": party id 0, contact id "".
void mark_new_records(Plan& plan) {
  auto fix = [](std::vector<PlanEntry>& entries) {
    for (auto& e : entries) {
      if (e.party && e.party->id < 0) e.party->id = 0;
      if (e.contact && PlanAccounting::planned_id(e.contact->id)) e.contact->id.clear();
    }
  };
  for (auto* list : {&plan.link, &plan.create_in_capsule, &plan.update_in_capsule, &plan.push, &plan.export_contacts,
                     &plan.quotes, &plan.unlink})
    fix(*list);
  for (auto& c : plan.conflicts) {
    for (auto& p : c.parties)
      if (p.id < 0) p.id = 0;
    if (c.contact && PlanAccounting::planned_id(c.contact->id)) c.contact->id.clear();
  }
}

}  // namespace

asio::awaitable<Result<Plan>> plan_sync(store::Database& db, const config::ConnectionConfig& connection,
                                        Connectors connectors, PlanOptions options) {
  if (connectors.capsule == nullptr || connectors.accounting == nullptr)
    co_return make_error(Errc::invalid_argument, "connection \"{}\" has no connectors", connection.name);
  if (!options.now_ms)
    options.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  auto copy = db.snapshot_in_memory();
  if (!copy) co_return copy.error().with_context("Failed to copy the state database for the plan");
  ConnectionStore store(**copy, connection.name);
  auto bindings_before = store.bindings.all();
  if (!bindings_before) co_return bindings_before.error();
  auto conflicts_before = store.conflicts.open();
  if (!conflicts_before) co_return conflicts_before.error();

  Plan plan;
  store::Database& copy_db = **copy;
  PlanCapsule capsule(*connectors.capsule, plan,
                      {.party_name = [&store](model::PartyId id) { return party_name(store, id); },
                       .note_party = [&copy_db, &connection](std::int64_t note) {
                         return note_owner(copy_db, kNoteParty, connection.name, note);
                       },
                       .note_opportunity = [&copy_db, &connection](std::int64_t note) {
                         return note_owner(copy_db, kNoteOpportunity, connection.name, note);
                       }});
  PlanAccounting accounting(*connectors.accounting, plan,
                            [&store](std::string_view remote_id) { return contact_name(store, remote_id); });
  // The push jobs the pull would queue run after it, as the daemon's runner would run them.
  std::vector<model::PartyId> pushes;
  Enqueue enqueue = [&pushes](queue::JobSpec spec) -> Result<std::int64_t> {
    if (spec.kind == kind_push) {
      try {
        const model::PartyId party = std::stoll(spec.payload);
        if (std::find(pushes.begin(), pushes.end(), party) == pushes.end()) pushes.push_back(party);
      } catch (const std::exception&) {
        return make_error(Errc::invalid_argument, "push job without a party id (payload \"{}\")", spec.payload);
      }
    }
    return static_cast<std::int64_t>(pushes.size());
  };
  // The executor logs what it does; a plan's lines must not read as the real sync's.
  auto policy = sync::policy_from(connection);
  policy.quotes_read = accounting.capabilities().quotes_read;
  SyncContext ctx{fmt::format("{} (plan)", connection.name), connection.time_zone, std::move(policy), store, capsule,
                  accounting, std::move(enqueue), options.now_ms};
  auto run = co_await sync_connection(ctx, options.full ? SyncMode::full : SyncMode::pull);
  if (!run) co_return run.error().with_context(fmt::format("Failed to plan the sync of connection {}", connection.name));
  // R19: the quotes the sync job drafts after its pull, before the pushes it queued run; a
  // from_milestone Capsule does not have drafts none (the sync job logs that too).
  QuoteSides sides;
  if (auto side = co_await sides.resolve(ctx, connection.quotes); side) {
    auto drafted = co_await draft_quotes(ctx, *side, connection.quotes);
    if (!drafted) co_return drafted.error().with_context("Failed to plan the quotes drafted from opportunities");
  }
  for (std::size_t i = 0; i < pushes.size(); ++i) {
    auto pushed = co_await reconcile_party(ctx, pushes[i]);
    if (!pushed)
      co_return pushed.error().with_context(fmt::format("Failed to plan the push of Capsule party {}", pushes[i]));
  }
  if (auto s = describe_store_changes(store, *bindings_before, *conflicts_before, plan); !s) co_return s.error();
  mark_new_records(plan);
  co_return plan;
}

}  // namespace capsync::engine
