#include "core/engine/reconcile_pass.hpp"

#include "core/engine/action_executor.hpp"
#include "core/engine/connection_store.hpp"
#include "core/log/log.hpp"
#include "core/store/database.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

namespace {

constexpr int kBatch = 100;

Result<sync::ContactChange> change_for(SyncContext& ctx, const model::Contact& contact) {
  sync::ContactChange change;
  change.contact = contact;
  auto invoices = ctx.store.invoices.for_contact(contact.remote_id);
  if (!invoices) return invoices.error();
  for (auto& inv : *invoices)
    if (inv.url.empty()) inv.url = ctx.accounting.invoice_url(inv);
  change.invoices = std::move(*invoices);
  change.new_invoice_url = ctx.accounting.new_invoice_url(contact.remote_id);
  if (ctx.policy.quotes_read) {
    auto quotes = ctx.store.quotes.for_contact(contact.remote_id);
    if (!quotes) return quotes.error();
    change.quotes = std::move(*quotes);
  }
  return change;
}

asio::awaitable<Result<ExecuteOutcome>> decide_and_execute(SyncContext& ctx, const sync::ReconcileInput& input,
                                                           ActionExecutor& executor) {
  if (ctx.policy.invoice_note && ctx.policy.organisation.empty()) {
    // R28: the note's heading names the organisation. Without it the heading would change
    // (and every note be rewritten) once it is known, so the pass waits for it.
    auto tenant = co_await ctx.accounting.tenant();
    if (!tenant) co_return tenant.error().with_context("Failed to read the accounting organisation for the invoice notes");
    ctx.policy.organisation = tenant->name;
  }
  const sync::ReconcileViews views{ctx.store.bindings, ctx.store.parties, ctx.store.contacts, ctx.store.conflicts};
  // A view that cannot be read fails the pass before anything is written on either side.
  auto result = sync::reconcile(input, ctx.policy, views);
  if (!result) co_return result.error();
  for (const auto& e : result->errors) log::warning({.connection = ctx.connection}, "{}, skipping", e);
  if (ctx.progress)
    ctx.progress->planned(ctx.connection, static_cast<std::int64_t>(input.contacts.size()),
                          static_cast<std::int64_t>(result->actions.size()));
  auto outcome = co_await executor.execute(result->actions);
  co_return outcome;
}

}  // namespace

Result<model::Date> today_for(const SyncContext& ctx) {
  return model::date_in_zone(model::Timestamp(std::chrono::milliseconds(ctx.now_ms())), ctx.time_zone);
}

namespace {

// The contacts `ids` reconciled (each with its stored invoices) and their actions executed;
// `pending` is cleared for those whose actions all completed.
asio::awaitable<Result<ExecuteOutcome>> reconcile_contacts(SyncContext& ctx, std::span<const std::string> ids,
                                                           model::Date today,
                                                           std::span<const model::PartyId> deleted,
                                                           ActionExecutor& executor, PassResult& out) {
  sync::ReconcileInput input;
  input.today = today;
  input.deleted_parties.assign(deleted.begin(), deleted.end());
  for (const auto& id : ids) {
    auto contact = ctx.store.contacts.get(id);
    if (!contact) co_return contact.error();
    if (!*contact) continue;
    auto change = change_for(ctx, **contact);
    if (!change) co_return change.error();
    input.contacts.push_back(std::move(*change));
  }
  auto outcome = co_await decide_and_execute(ctx, input, executor);
  if (!outcome) co_return outcome.error();
  out.contacts += static_cast<int>(input.contacts.size());
  out.actions += outcome->actions;
  out.writes += outcome->writes;
  auto tx = ctx.store.db.begin();
  if (!tx) co_return tx.error();
  for (const auto& id : ids)
    if (outcome->keep_pending.count(id) == 0)
      if (auto s = ctx.store.contacts.clear_pending(id); !s) co_return s.error();
  if (auto s = tx->commit(); !s) co_return s.error();
  co_return outcome;
}

}  // namespace

asio::awaitable<Result<PassResult>> reconcile_pending(SyncContext& ctx, std::span<const model::PartyId> deleted) {
  PassResult out;
  auto today = today_for(ctx);
  if (!today) co_return today.error();
  std::string after;
  std::optional<Error> first_error;
  ActionExecutor executor(ctx);  // one for every batch: Capsule's definitions read once
  for (;;) {
    auto ids = ctx.store.contacts.pending(after, kBatch);
    if (!ids) co_return ids.error();
    if (ids->empty()) break;
    auto outcome = co_await reconcile_contacts(ctx, *ids, *today, deleted, executor, out);
    if (!outcome) co_return outcome.error();
    if (ctx.progress) ctx.progress->advance(ctx.connection, static_cast<std::int64_t>(ids->size()));
    if (outcome->error) {
      if (stops_batch(*outcome->error)) co_return *outcome->error;
      if (!first_error) first_error = outcome->error;
    }
    after = ids->back();
  }
  // Records that failed stay pending; the job fails so the retry picks them up.
  if (first_error) co_return *first_error;
  co_return out;
}

asio::awaitable<Result<PassResult>> reconcile_party(SyncContext& ctx, model::PartyId party_id, bool export_requested) {
  PassResult out;
  auto party = ctx.store.parties.get(party_id);
  if (!party) co_return party.error();
  if (!*party) co_return out;  // deleted since the poll saw it: R14 handles it
  auto today = today_for(ctx);
  if (!today) co_return today.error();
  sync::PartyChange change;
  change.party = **party;
  change.export_requested = export_requested;
  if ((*party)->organisation) {
    auto org = ctx.store.parties.get((*party)->organisation->id);
    if (!org) co_return org.error();
    change.organisation = std::move(*org);
  }
  auto binding = ctx.store.bindings.find_by_party(party_id);
  if (!binding) co_return binding.error();
  if (*binding) {
    auto in = push_input(ctx.store, **party, (*binding)->remote_id);
    if (!in) co_return in.error();
    change.contact_person = std::move(in->contact_person);
    change.last_pushed = std::move(in->last_pushed);
  } else if ((*party)->type == model::PartyType::organisation) {
    auto person = ctx.store.parties.contact_person_of(party_id, std::nullopt);
    if (!person) co_return person.error();
    change.contact_person = std::move(*person);
  }
  sync::ReconcileInput input;
  input.today = *today;
  input.parties.push_back(std::move(change));
  ActionExecutor executor(ctx);
  auto outcome = co_await decide_and_execute(ctx, input, executor);
  if (!outcome) co_return outcome.error();
  if (outcome->error) co_return *outcome->error;
  out.actions = outcome->actions;
  out.writes = outcome->writes;
  // R7: an exported party is linked now, so its summary and note go out with the export, not
  // whenever its contact next changes.
  if (!outcome->exported.empty()) {
    auto summarised = co_await reconcile_contacts(ctx, outcome->exported, *today, {}, executor, out);
    if (!summarised) co_return summarised.error();
    if (summarised->error) co_return *summarised->error;
  }
  co_return out;
}

}  // namespace capsync::engine
