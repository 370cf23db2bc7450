#include "core/engine/jobs.hpp"

#include <fmt/format.h>

#include "core/engine/action_executor.hpp"
#include "core/log/log.hpp"
#include "core/store/database.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

namespace {

// A job about one Capsule party: one at a time per party, deduplicated while it waits.
queue::JobSpec party_job(std::string_view kind, std::string_view connection, model::PartyId party, int priority) {
  queue::JobSpec spec;
  spec.kind = std::string(kind);
  spec.connection = std::string(connection);
  spec.payload = std::to_string(party);
  spec.dedupe_key = fmt::format("{}:{}", kind, party);
  spec.record_key = fmt::format("party:{}:{}", connection, party);
  spec.priority = priority;
  return spec;
}

}  // namespace

queue::JobSpec push_job(std::string_view connection, model::PartyId party) {
  return party_job(kind_push, connection, party, 5);  // a person just edited this party (R10 should feel immediate)
}

queue::JobSpec export_job(std::string_view connection, model::PartyId party) {
  return party_job(kind_export, connection, party, 10);  // an operator asked for it
}

asio::awaitable<Result<PassResult>> export_party(SyncContext& ctx, model::PartyId party_id) {
  const std::string record = std::to_string(party_id);
  const log::Fields fields{.connection = ctx.connection, .record = record};
  auto party = co_await ctx.capsule.get_party(party_id);
  if (!party) {
    if (party.error().code() == Errc::not_found) {
      log::warning(fields, "Capsule party {} does not exist (any more); nothing exported", party_id);
      co_return PassResult{};
    }
    co_return party.error().with_context(fmt::format("Failed to read Capsule party {}", party_id));
  }
  if (auto s = ctx.store.parties.upsert(*party); !s) co_return s.error();
  if (party->organisation) {
    auto org = co_await ctx.capsule.get_party(party->organisation->id);
    if (org) {
      if (auto s = ctx.store.parties.upsert(*org); !s) co_return s.error();
    } else if (org.error().code() != Errc::not_found) {
      co_return org.error().with_context(fmt::format("Failed to read organisation {} of Capsule party {}",
                                                     party->organisation->id, party_id));
    }
  }
  auto pass = co_await reconcile_party(ctx, party_id, true);
  if (!pass) co_return pass.error();
  if (pass->actions == 0) {
    const model::PartyId target = party->organisation ? party->organisation->id : party_id;
    auto linked = ctx.store.bindings.find_by_party(target);
    if (!linked) co_return linked.error();
    log::notice(fields, "Export of Capsule party {} '{}': nothing to do, {}", party_id, party->display_name(),
                *linked ? fmt::format("party {} is already linked to accounting contact {}", target, (*linked)->remote_id)
                        : std::string("a conflict about it is already recorded (capsyncctl conflicts)"));
  }
  co_return pass;
}

queue::JobSpec disable_job(std::string_view connection) {
  queue::JobSpec spec;
  spec.kind = std::string(kind_disable);
  spec.connection = std::string(connection);
  spec.dedupe_key = fmt::format("disable:{}", connection);
  spec.priority = 10;  // an operator asked for it
  return spec;
}

asio::awaitable<Result<DisableResult>> disable_connection(SyncContext& ctx, DisableState& state) {
  DisableResult out;
  if (auto s = state.mark(ctx.connection, ConnectionState::disabling, ctx.now_ms()); !s) co_return s.error();
  auto bindings = ctx.store.bindings.all();
  if (!bindings) co_return bindings.error();
  SummaryWriter writer(ctx.capsule, ctx.store, ctx.policy, ctx.now_ms);
  for (const auto& b : *bindings) {
    const log::Fields fields{.connection = ctx.connection, .record = b.remote_id};
    auto s = co_await writer.write(b.party_id, sync::cleared_summary());
    if (!s) {
      if (s.error().code() != Errc::not_found)
        co_return s.error().with_context(
            fmt::format("Failed to remove the invoice summary from Capsule party {}", b.party_id));
      // The party is gone; so is anything capsync wrote onto it.
      if (auto e = ctx.store.notes.erase(b.party_id); !e) co_return e.error();
    }
    if (auto e = ctx.store.bindings.erase(b.remote_id); !e) co_return e.error();
    ++out.parties_cleared;
    log::debug(fields, "Removed capsync's summary, tag and note from Capsule party {} and forgot its link to {}",
               b.party_id, b.remote_id);
  }
  auto tx = ctx.store.db.begin();
  if (!tx) co_return tx.error();
  if (auto s = forget_connection(ctx.store.db, ctx.connection); !s) co_return s.error();
  if (auto s = state.mark(ctx.connection, ConnectionState::disabled, ctx.now_ms()); !s) co_return s.error();
  if (auto s = tx->commit(); !s) co_return s.error();
  co_return out;
}

}  // namespace capsync::engine
