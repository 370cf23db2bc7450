#include "core/engine/disable_job.hpp"

#include <fmt/format.h>

#include "core/engine/action_executor.hpp"
#include "core/log/log.hpp"
#include "core/store/database.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

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
  SummaryWriter writer(ctx.capsule, ctx.store.parties, ctx.store.notes, ctx.policy);
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
