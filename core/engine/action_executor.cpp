#include "core/engine/action_executor.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/engine/connection_store.hpp"
#include "core/engine/own_write.hpp"
#include "core/log/log.hpp"
#include "core/model/name_key.hpp"
#include "core/store/database.hpp"
#include "core/sync/contact_details.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

bool is_transient(const Error& error) {
  switch (error.code()) {
    case Errc::io:
    case Errc::busy:
    case Errc::timeout:
    case Errc::http:
    case Errc::rate_limited:
    case Errc::protocol:
    case Errc::cancelled:
      return true;
    default:
      return false;
  }
}

ActionExecutor::ActionExecutor(SyncContext& ctx)
    : ctx_(ctx), summaries_(ctx.capsule, ctx.store, ctx.policy, ctx.now_ms) {}

namespace {

// The accounting contact an action is about, to keep it pending when the action fails.
std::string remote_of(const sync::Action& action) {
  return std::visit(
      [](const auto& a) -> std::string {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, sync::ExportContact> || std::is_same_v<T, sync::ClearExportTag>) return {};
        else if constexpr (std::is_same_v<T, sync::RecordConflict>) return a.conflict.remote_id;
        else return a.remote_id;
      },
      action);
}

// A conflict that names the party of a contact whose create failed or was refused waits: the
// next pass decides its contact again, against the parties that exist by then.
Result<bool> waits_for_party(const sync::Action& action, const std::set<std::string>& failed,
                             const sync::BindingView& bindings) {
  const auto* c = std::get_if<sync::RecordConflict>(&action);
  if (c == nullptr) return false;
  for (const auto& id : c->parties_of) {
    if (failed.contains(id)) return true;
    auto created = bindings.find_by_remote_id(id);
    if (!created) return created.error();
    if (!*created) return true;
  }
  return false;
}

// The summary the reconciler wants on the party that `remote_id`'s create makes (an
// UpdateSummary after it with no party id yet), or nullptr.
const sync::SummaryWrite* summary_of_created(const std::string& remote_id, std::span<const sync::Action> later) {
  for (const auto& action : later)
    if (const auto* u = std::get_if<sync::UpdateSummary>(&action); u && u->remote_id == remote_id && !u->party_id)
      return &u->summary;
  return nullptr;
}

}  // namespace

bool stops_batch(const Error& error) {
  switch (error.code()) {
    case Errc::rate_limited:
    case Errc::unauthorized:
    case Errc::corruption:
    case Errc::cancelled:
      return true;
    default:
      return false;
  }
}

asio::awaitable<ExecuteOutcome> ActionExecutor::execute(const std::vector<sync::Action>& actions) {
  ExecuteOutcome out;
  const int writes_before = writes_;
  std::set<std::string> failed;  // records whose later actions wait for the retry
  for (auto it = actions.begin(); it != actions.end(); ++it) {
    const auto& action = *it;
    const std::string record = remote_of(action);
    if (!record.empty() && failed.contains(record)) continue;
    auto waits = waits_for_party(action, failed, ctx_.store.bindings);
    if (waits && *waits) {
      out.keep_pending.insert(record);
      failed.insert(record);
      continue;
    }
    Status s = waits ? Status{} : Status(waits.error());
    if (waits) {
      log::debug({.connection = ctx_.connection, .record = record}, "Executing: {}", sync::describe(action));
      const int action_writes_before = writes_;
      s = co_await run(action, std::span<const sync::Action>(std::next(it), actions.end()));
      if (ctx_.progress) ctx_.progress->wrote(ctx_.connection, writes_ - action_writes_before);
    }
    if (s) {
      ++out.actions;
      continue;
    }
    if (!out.error) out.error = s.error();
    if (record.empty() || stops_batch(s.error())) {
      // This action and the ones not run yet stay pending, so the retry does them.
      for (auto rest = it; rest != actions.end(); ++rest) out.keep_pending.insert(remote_of(*rest));
      break;
    }
    log::warning({.connection = ctx_.connection, .record = record}, "Failed to {}: {}; retrying it with the next attempt",
                 sync::describe(action), s.error());
    out.keep_pending.insert(record);
    failed.insert(record);
  }
  out.writes = writes_ - writes_before;
  out.exported = std::exchange(exported_, {});
  co_return out;
}

asio::awaitable<Status> ActionExecutor::run(const sync::Action& action, std::span<const sync::Action> later) {
  if (const auto* a = std::get_if<sync::LinkParty>(&action)) co_return co_await link(*a);
  if (const auto* a = std::get_if<sync::CreateParty>(&action))
    co_return co_await create(a->remote_id, a->role, a->spec, a->pushed_hash, false, summary_of_created(a->remote_id, later));
  if (const auto* a = std::get_if<sync::RecreateParty>(&action)) {
    auto b = ctx_.store.bindings.find_by_remote_id(a->remote_id);
    if (!b) co_return b.error();
    co_return co_await create(a->remote_id, *b ? (*b)->role : sync::ContactRole::customer, a->spec, a->pushed_hash,
                              true, summary_of_created(a->remote_id, later));
  }
  if (const auto* a = std::get_if<sync::Unlink>(&action)) co_return co_await unlink(*a);
  if (const auto* a = std::get_if<sync::UpdateSummary>(&action)) co_return co_await summary(*a);
  if (const auto* a = std::get_if<sync::PushContact>(&action)) co_return co_await push(*a);
  if (const auto* a = std::get_if<sync::RememberPushed>(&action))
    co_return ctx_.store.bindings.set_pushed(a->remote_id, a->hash, a->details);
  if (const auto* a = std::get_if<sync::ExportContact>(&action)) co_return co_await export_contact(*a);
  if (const auto* a = std::get_if<sync::ClearExportTag>(&action)) {
    log::notice({.connection = ctx_.connection, .record = a->remote_id},
                "Capsule party {} asked to be exported, but {} already linked to accounting contact {}; nothing "
                "to create",
                a->party_id,
                a->linked_party_id == a->party_id ? std::string("it is")
                                                  : fmt::format("its organisation (party {}) is", a->linked_party_id),
                a->remote_id);
    co_return co_await remove_tag(a->party_id, a->tag);
  }
  if (const auto* a = std::get_if<sync::RecordConflict>(&action)) {
    auto parties = a->conflict.party_ids;
    for (const auto& remote_id : a->parties_of) {
      auto created = ctx_.store.bindings.find_by_remote_id(remote_id);
      if (!created) co_return created.error();
      if (*created) parties.push_back((*created)->party_id);
    }
    const auto& c = a->conflict;
    co_return conflict(sync::make_conflict(c.kind, c.remote_id, c.other_remote_ids, std::move(parties), c.name, c.hint));
  }
  co_return Status{};
}

asio::awaitable<Status> ActionExecutor::link(const sync::LinkParty& a) {
  sync::Binding b{a.party_id, a.remote_id, a.role, std::nullopt, std::nullopt};
  // The party's details as they are now are the push baseline (R10: only later edits go out).
  auto party = ctx_.store.parties.get(a.party_id);
  if (!party) co_return party.error();
  std::optional<model::ContactDetails> details;
  if (*party) {
    auto linked = linked_details(ctx_.store, **party, a.remote_id);
    if (!linked) co_return linked.error();
    details = std::move(*linked);
    b.pushed_hash = sync::details_hash(*details);
  }
  // A party this daemon created before a crash or a lost answer stays created by capsync.
  auto intents = CreateIntents::party_creates(ctx_.store.db, ctx_.store.name);
  auto ours = intents.started(a.remote_id);
  if (!ours) co_return ours.error();
  auto tx = ctx_.store.db.begin();
  if (!tx) co_return tx.error();
  if (auto s = ctx_.store.bindings.put(b, *ours); !s) co_return s;
  if (auto s = intents.finish(a.remote_id); !s) co_return s;
  if (details)
    if (auto s = ctx_.store.bindings.set_pushed(a.remote_id, *b.pushed_hash, *details); !s) co_return s;
  if (auto s = tx->commit(); !s) co_return s;
  log::info({.connection = ctx_.connection, .record = a.remote_id}, "Linked accounting contact {} to Capsule party {}{}",
            a.remote_id, a.party_id, *ours ? " (created by capsync before a restart or a lost answer)" : "");
  co_return Status{};
}

asio::awaitable<Status> ActionExecutor::create(const std::string& remote_id, sync::ContactRole role,
                                               model::PartySpec spec, const std::string& pushed_hash, bool recreate,
                                               const sync::SummaryWrite* summary) {
  const std::string name = spec.display_name();
  // A create retried after a crash: the party it made reached the mirror with the Capsule pull
  // that precedes every reconcile, so link the one unlinked party of that name instead.
  auto named = ctx_.store.parties.find_by_exact_key(model::exact_key(name));
  if (!named) co_return named.error();
  for (const auto& candidate : *named) {
    auto linked = ctx_.store.bindings.find_by_party(candidate.id);
    if (!linked) co_return linked.error();
    if (*linked) continue;
    if (!recreate) {
      log::notice({.connection = ctx_.connection, .record = remote_id},
                  "Capsule party {} named '{}' already exists; linking it instead of creating another", candidate.id,
                  name);
      co_return co_await link(sync::LinkParty{remote_id, candidate.id, role});
    }
  }
  if (spec.team && !spec.team->id) {
    if (!team_ || team_->name != spec.team->name) {
      auto team = co_await ctx_.capsule.resolve_team(spec.team->name);
      if (!team) co_return team.error().with_context("Failed to resolve default_team");
      team_ = *team;
    }
    spec.team = team_;
  }
  if (summary)
    if (auto s = co_await summaries_.add_to_create(spec, *summary); !s) co_return s;
  auto intents = CreateIntents::party_creates(ctx_.store.db, ctx_.store.name);
  if (auto s = intents.begin(remote_id, ctx_.now_ms()); !s) co_return s;
  auto created = co_await ctx_.capsule.create_party(spec);
  if (!created) {
    // Refused: nothing was created. Otherwise the party may exist and the retry links it.
    if (!is_transient(created.error()))
      if (auto s = intents.finish(remote_id); !s) co_return s;
    co_return refused(created.error(),
                      created.error().code() == Errc::conflict ? sync::ConflictKind::name_clash
                                                               : sync::ConflictKind::refused_by_api,
                      remote_id, {}, name);
  }
  ++writes_;
  summaries_.created(created->id);
  auto tx = ctx_.store.db.begin();
  if (!tx) co_return tx.error();
  if (auto s = ctx_.store.parties.upsert(*created); !s) co_return s;
  sync::Binding b{created->id, remote_id, role, pushed_hash, std::nullopt};
  if (auto s = ctx_.store.bindings.put(b, true); !s) co_return s;
  if (auto s = intents.finish(remote_id); !s) co_return s;
  if (auto s = ctx_.store.bindings.set_pushed(remote_id, pushed_hash, sync::details_from_spec(spec)); !s) co_return s;
  if (auto s = tx->commit(); !s) co_return s;
  log::info({.connection = ctx_.connection, .record = remote_id}, "{} Capsule {} '{}' (party {}) for accounting contact {}",
            recreate ? "Re-created" : "Created", model::to_string(created->type), name, created->id, remote_id);
  co_return Status{};
}

asio::awaitable<Status> ActionExecutor::unlink(const sync::Unlink& a) {
  auto b = ctx_.store.bindings.find_by_remote_id(a.remote_id);
  if (!b) co_return b.error();
  if (a.clear_summary && *b && (*b)->summary_hash) {
    const int before = summaries_.writes();
    auto s = co_await summaries_.write(a.party_id, sync::cleared_summary());
    writes_ += summaries_.writes() - before;
    if (!s && s.error().code() != Errc::not_found) co_return s;
  }
  if (auto s = ctx_.store.bindings.erase(a.remote_id); !s) co_return s;
  log::info({.connection = ctx_.connection, .record = a.remote_id},
            "Unlinked accounting contact {} from Capsule party {}: {}; the party stays in Capsule", a.remote_id,
            a.party_id, a.reason);
  co_return Status{};
}

asio::awaitable<Status> ActionExecutor::summary(const sync::UpdateSummary& a) {
  auto b = ctx_.store.bindings.find_by_remote_id(a.remote_id);
  if (!b) co_return b.error();
  if (!*b) co_return Status{};  // the create before it was refused (recorded as a conflict)
  const model::PartyId party = a.party_id.value_or((*b)->party_id);
  const int before = summaries_.writes();
  auto s = co_await summaries_.write(party, a.summary);
  writes_ += summaries_.writes() - before;
  if (!s) {
    if (s.error().code() == Errc::not_found) {
      log::notice({.connection = ctx_.connection, .record = a.remote_id},
                  "Capsule party {} is gone; it is handled at the next Capsule poll (R14)", party);
      co_return Status{};
    }
    co_return s;
  }
  co_return ctx_.store.bindings.set_summary_hash(a.remote_id, a.hash);
}

asio::awaitable<Status> ActionExecutor::push(const sync::PushContact& a) {
  auto current = ctx_.store.contacts.get(a.remote_id);
  if (!current) co_return current.error();
  connector::ContactUpdate update{a.update, *current, a.previous};
  auto saved = co_await ctx_.accounting.update_contact(a.remote_id, update);
  if (!saved) {
    co_return refused(saved.error(),
                      saved.error().code() == Errc::conflict ? sync::ConflictKind::name_clash
                                                             : sync::ConflictKind::refused_by_api,
                      a.remote_id, {a.party_id}, a.update.name);
  }
  ++writes_;
  auto tx = ctx_.store.db.begin();
  if (!tx) co_return tx.error();
  if (auto s = ctx_.store.contacts.upsert(*saved, false); !s) co_return s;
  if (auto s = ctx_.store.bindings.set_pushed(a.remote_id, a.hash, a.update); !s) co_return s;
  if (auto s = tx->commit(); !s) co_return s;
  log::info({.connection = ctx_.connection, .record = a.remote_id},
            "Pushed the details of Capsule party {} to accounting contact {}", a.party_id, a.remote_id);
  co_return Status{};
}

asio::awaitable<Result<ActionExecutor::ExportStart>> ActionExecutor::before_export(const sync::ExportContact& a,
                                                                                   CreateIntents& intents) {
  ExportStart start;
  // Contacts the mirror does not know yet (created since the last pull) clash too (R13).
  auto named = co_await ctx_.accounting.find_contacts_by_name(a.spec.name);
  if (!named) co_return named.error().with_context(fmt::format("Failed to look for contacts named '{}'", a.spec.name));
  if (named->empty()) co_return start;
  auto started = intents.started(a.party_id);
  if (!started) co_return started.error();
  auto linked = ctx_.store.bindings.find_by_remote_id(named->front().remote_id);
  if (!linked) co_return linked.error();
  if (*started && named->size() == 1 && !*linked) {
    start.kind = ExportStart::Kind::link_earlier;
    start.earlier = std::move(named->front());
    co_return start;
  }
  std::vector<std::string> ids;
  for (const auto& c : *named) ids.push_back(c.remote_id);
  std::vector<model::PartyId> parties{a.party_id};
  if (a.source_party_id != a.party_id) parties.push_back(a.source_party_id);
  if (auto s = intents.finish(a.party_id); !s) co_return s.error();
  if (auto s = conflict(sync::make_conflict(
          sync::ConflictKind::name_clash, "", std::move(ids), std::move(parties), a.spec.name,
          fmt::format("Not exported: the accounting service already has a contact named '{}'. If they are "
                      "different, rename one; if they are the same, the sync links them by name once the contact "
                      "qualifies.",
                      a.spec.name)));
      !s)
    co_return s.error();
  start.kind = ExportStart::Kind::clash;
  co_return start;
}

asio::awaitable<Status> ActionExecutor::export_contact(const sync::ExportContact& a) {
  auto intents = CreateIntents::exports(ctx_.store.db, ctx_.store.name);
  auto start = co_await before_export(a, intents);
  if (!start) co_return start.error();
  if (start->kind == ExportStart::Kind::clash) co_return Status{};
  model::Contact contact;
  if (start->kind == ExportStart::Kind::link_earlier) {
    contact = std::move(start->earlier);
    log::notice({.connection = ctx_.connection, .record = contact.remote_id},
                "An earlier export of Capsule party {} created accounting contact {} '{}'; linking it", a.party_id,
                contact.remote_id, a.spec.name);
  } else {
    if (auto s = intents.begin(a.party_id, ctx_.now_ms()); !s) co_return s;
    const std::string key = fmt::format("capsync-export-{}-{}", ctx_.connection, a.party_id);
    auto created = co_await ctx_.accounting.create_contact(a.spec, key);
    if (!created) {
      if (created.error().code() == Errc::conflict || created.error().code() == Errc::invalid_argument)
        if (auto s = intents.finish(a.party_id); !s) co_return s;
      co_return refused(created.error(),
                        created.error().code() == Errc::conflict ? sync::ConflictKind::name_clash
                                                                 : sync::ConflictKind::refused_by_api,
                        {}, {a.party_id}, a.spec.name);
    }
    ++writes_;
    contact = std::move(*created);
  }
  {
    auto tx = ctx_.store.db.begin();
    if (!tx) co_return tx.error();
    // Pending with its link: its summary is still to be written (R7), by the caller or, after a
    // crash, by the next pass.
    if (auto s = ctx_.store.contacts.upsert(contact, true); !s) co_return s;
    sync::Binding b{a.party_id, contact.remote_id, sync::ContactRole::customer, a.pushed_hash, std::nullopt};
    if (auto s = ctx_.store.bindings.put(b, false); !s) co_return s;
    if (a.pushed_hash && a.pushed_details)
      if (auto s = ctx_.store.bindings.set_pushed(contact.remote_id, *a.pushed_hash, *a.pushed_details); !s)
        co_return s;
    if (a.source_party_id != a.party_id)
      if (auto s = ctx_.store.bindings.set_contact_person(contact.remote_id, a.source_party_id); !s) co_return s;
    if (auto s = intents.finish(a.party_id); !s) co_return s;
    if (auto s = tx->commit(); !s) co_return s;
  }
  exported_.push_back(contact.remote_id);
  log::info({.connection = ctx_.connection, .record = contact.remote_id},
            "Exported Capsule party {} as accounting contact {} '{}'", a.party_id, contact.remote_id, a.spec.name);
  if (a.remove_tag) co_return co_await remove_tag(a.source_party_id, *a.remove_tag);
  co_return Status{};
}

asio::awaitable<Status> ActionExecutor::remove_tag(model::PartyId party, const std::string& tag) {
  auto source = ctx_.store.parties.get(party);
  if (!source) co_return source.error();
  if (!*source || !(*source)->has_tag(tag)) co_return Status{};
  connector::PartyPatch patch;
  patch.remove_tags.push_back(tag);
  auto saved = co_await ctx_.capsule.update_party(**source, patch);
  if (!saved) {
    if (saved.error().code() == Errc::not_found) co_return Status{};  // deleted meanwhile: R14 handles it
    co_return saved.error();
  }
  ++writes_;
  co_return ctx_.store.parties.upsert(mirror_after_write(**source, *saved, patch));
}

Status ActionExecutor::conflict(const sync::Conflict& c) {
  auto fresh = ctx_.store.conflicts.record(c, ctx_.now_ms());
  if (!fresh) return fresh.error();
  if (*fresh) log::warning({.connection = ctx_.connection, .record = c.remote_id}, "{}", c.describe());
  return {};
}

Status ActionExecutor::refused(const Error& error, sync::ConflictKind kind, std::string remote_id,
                               std::vector<model::PartyId> parties, std::string name) {
  if (error.code() != Errc::conflict && error.code() != Errc::invalid_argument) return error;
  return conflict(sync::make_conflict(kind, std::move(remote_id), {}, std::move(parties), std::move(name),
                                      error.message()));
}

SummaryWriter::SummaryWriter(connector::CapsuleConnector& capsule, ConnectionStore& store,
                             const sync::ConnectionPolicy& policy, std::function<std::int64_t()> now_ms)
    : capsule_(capsule),
      parties_(store.parties),
      notes_(store.notes),
      reasons_(store.tag_reasons),
      policy_(policy),
      note_creates_(CreateIntents::note_creates(store.db, store.name)),
      now_ms_(std::move(now_ms)) {}

asio::awaitable<Status> SummaryWriter::resolve_fields() {
  if (field_ids_) co_return Status{};
  const auto& names = policy_.summary_fields;
  struct Want {
    const std::string* name;
    connector::FieldType type;
  };
  const std::array<Want, 5> wants{Want{&names.outstanding, connector::FieldType::text},
                                  Want{&names.overdue, connector::FieldType::text},
                                  Want{&names.next_due, connector::FieldType::date},
                                  Want{&names.last_invoice, connector::FieldType::date},
                                  Want{&names.open_quotes, connector::FieldType::text}};
  // The open quotes field is wanted only where quotes are read (R18).
  constexpr std::size_t kOpenQuotes = 4;
  const std::size_t wanted = policy_.quotes_read ? wants.size() : wants.size() - 1;
  // One read of the definitions serves them all; a field it lacks (or has unusable) is asked of
  // the connector by name, whose error tells the operator what to create.
  auto defs = co_await capsule_.field_definitions();
  if (!defs) co_return defs.error().with_context("Failed to read the Capsule custom field definitions");
  std::array<std::int64_t, 5> ids{};
  for (std::size_t i = 0; i < wanted; ++i) {
    const auto usable = std::find_if(defs->begin(), defs->end(), [&](const connector::FieldDefinition& d) {
      return d.name == *wants[i].name && d.type == wants[i].type && d.capture_rule.empty();
    });
    if (usable != defs->end()) {
      ids[i] = usable->id;
      continue;
    }
    auto id = co_await capsule_.resolve_field(*wants[i].name, wants[i].type);
    // Open quotes came later than the invoice fields: an account that has not created its field
    // yet keeps its invoice summaries, and the note still lists the quotes.
    if (!id && i == kOpenQuotes && id.error().code() == Errc::invalid_argument) {
      log::warning({.connection = notes_.connection()}, "Failed to find the Capsule custom field for open quotes: {}, "
                   "ignoring", id.error().message());
      continue;
    }
    if (!id) co_return id.error().with_context("Failed to find the Capsule custom field for the invoice summary");
    ids[i] = *id;
  }
  field_ids_ = ids;
  co_return Status{};
}

asio::awaitable<Status> SummaryWriter::add_to_create(model::PartySpec& spec, const sync::SummaryWrite& summary) {
  if (auto s = co_await resolve_fields(); !s) co_return s;
  const std::array<const std::string*, 4> values{&summary.outstanding, &summary.overdue, &summary.next_due,
                                                 &summary.last_invoice};
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!values[i]->empty()) spec.fields.push_back(model::CustomFieldValue{std::nullopt, (*field_ids_)[i], *values[i]});
  if (summary.overdue_tag && !policy_.overdue_tag.empty()) spec.tags.push_back(policy_.overdue_tag);
  co_return Status{};
}

asio::awaitable<Status> SummaryWriter::write(model::PartyId party_id, const sync::SummaryWrite& summary) {
  if (auto s = co_await resolve_fields(); !s) co_return s;
  std::optional<model::Party> current;
  if (auto mirrored = parties_.get(party_id); mirrored && *mirrored) current = std::move(**mirrored);
  if (!current) {
    auto fetched = co_await capsule_.get_party(party_id);
    if (!fetched) co_return fetched.error();
    current = std::move(*fetched);
  }
  auto may_have_note = this->may_have_note(*current);
  if (!may_have_note) co_return may_have_note.error();
  connector::PartyPatch patch;
  // A summary without open quotes (a cleared one) clears the field where quotes are read.
  const std::string open_quotes = summary.open_quotes.value_or("");
  const std::array<const std::string*, 5> values{&summary.outstanding, &summary.overdue, &summary.next_due,
                                                 &summary.last_invoice, &open_quotes};
  for (std::size_t i = 0; i < values.size(); ++i) {
    if ((*field_ids_)[i] == 0) continue;
    const auto* existing = current->field((*field_ids_)[i]);
    const std::string have = existing ? existing->value : std::string();
    if (have != *values[i]) patch.set_fields.push_back(model::CustomFieldValue{std::nullopt, (*field_ids_)[i], *values[i]});
  }
  auto wanted = co_await overdue_tag_wanted(party_id, summary.overdue_tag);
  if (!wanted) co_return wanted.error();
  const bool tagged = !policy_.overdue_tag.empty() && current->has_tag(policy_.overdue_tag);
  if (*wanted && !tagged) patch.add_tags.push_back(policy_.overdue_tag);
  if (!*wanted && tagged) patch.remove_tags.push_back(policy_.overdue_tag);
  if (!patch.empty()) {
    auto saved = co_await capsule_.update_party(*current, patch);
    if (!saved) co_return saved.error();
    ++writes_;
    if (auto s = parties_.upsert(mirror_after_write(*current, *saved, patch)); !s) co_return s;
  }
  co_return co_await write_note(party_id, summary.note, *may_have_note);
}

Result<bool> SummaryWriter::may_have_note(const model::Party& party) const {
  if (created_.contains(party.id)) return false;
  auto interrupted = note_creates_.started(party.id);
  if (!interrupted || *interrupted) return interrupted;
  bool any_field = false;
  for (const auto id : *field_ids_) {
    if (id == 0) continue;
    any_field = true;
    if (const auto* f = party.field(id); f && !f->value.empty()) return true;
  }
  // Without summary fields nothing on the party tells: look.
  return !any_field;
}

asio::awaitable<Result<bool>> SummaryWriter::overdue_tag_wanted(model::PartyId party_id, bool ours) {
  if (policy_.overdue_tag.empty()) co_return false;
  auto account = co_await capsule_.account();
  if (!account) co_return account.error().with_context("Failed to read which Capsule account the token reaches");
  // The reason is committed before the tag is written: a crash in between leaves a reason
  // that the next summary write settles, never a tag another connection relies on removed.
  if (auto s = reasons_.set(account->key, party_id, policy_.overdue_tag, ours); !s) co_return s.error();
  if (ours) co_return true;
  co_return reasons_.needed_by_others(account->key, party_id, policy_.overdue_tag);
}

asio::awaitable<Status> SummaryWriter::write_note(model::PartyId party_id, const std::optional<std::string>& note,
                                                  bool may_have_note) {
  auto known = notes_.get(party_id);
  if (!known) co_return known.error();
  if (!note) {
    // Notes off (or the link ended): remove the note capsync wrote, if any.
    if (!*known) co_return Status{};
    auto s = co_await capsule_.delete_note(**known);
    if (!s && s.error().code() != Errc::not_found) co_return s;
    ++writes_;
    co_return notes_.erase(party_id);
  }
  if (*known) {
    auto updated = co_await capsule_.update_note(**known, *note);
    ++writes_;
    if (updated) co_return Status{};
    if (updated.error().code() != Errc::not_found) co_return updated.error();
  }
  if (may_have_note) {
    auto adopted = co_await adopt_note(party_id, *note);
    if (!adopted) co_return adopted.error();
    if (*adopted) co_return note_creates_.finish(party_id);
  }
  // Committed before the create: a crash or a lost answer after it leaves the row, and the
  // next write lists the party's notes to find the one that create made.
  if (auto s = note_creates_.begin(party_id, now_ms_()); !s) co_return s;
  auto created = co_await capsule_.create_note(party_id, *note);
  ++writes_;
  if (!created) co_return created.error();
  if (auto s = notes_.put(party_id, created->id); !s) co_return s;
  co_return note_creates_.finish(party_id);
}

asio::awaitable<Result<bool>> SummaryWriter::adopt_note(model::PartyId party_id, const std::string& note) {
  auto listed = co_await capsule_.list_notes(party_id);
  if (!listed) co_return listed.error();
  // Only this connection's heading: another connection's note on the party is never touched (R28).
  const std::string heading = sync::invoice_note_heading(policy_);
  std::vector<std::int64_t> ours;
  for (const auto& n : *listed)
    if (sync::is_invoice_note(n.content, heading)) ours.push_back(n.id);
  if (ours.empty()) co_return false;
  // The oldest stays. Copies left by earlier interrupted creates carry capsync's heading and
  // only text capsync rewrites, so removing them loses nothing a person wrote.
  std::sort(ours.begin(), ours.end());
  auto updated = co_await capsule_.update_note(ours.front(), note);
  ++writes_;
  if (!updated && updated.error().code() == Errc::not_found) co_return false;  // deleted meanwhile
  if (!updated) co_return updated.error();
  for (auto it = std::next(ours.begin()); it != ours.end(); ++it) {
    if (auto s = co_await capsule_.delete_note(*it); !s && s.error().code() != Errc::not_found) co_return s.error();
    ++writes_;
  }
  const std::string record = std::to_string(party_id);
  const log::Fields where{.connection = notes_.connection(), .record = record};
  if (ours.size() > 1)
    log::notice(where, "Capsule party {} had {} invoice notes written by capsync; kept note {} and removed the copies {}",
                party_id, ours.size(), ours.front(), fmt::join(std::next(ours.begin()), ours.end(), ", "));
  else
    log::info(where, "Capsule party {} already had an invoice note written by capsync (note {}); updated it", party_id,
              ours.front());
  if (auto s = notes_.put(party_id, ours.front()); !s) co_return s.error();
  co_return true;
}

}  // namespace capsync::engine
