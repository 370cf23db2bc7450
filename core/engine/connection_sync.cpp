#include "core/engine/connection_sync.hpp"

namespace capsync::engine {

boost::asio::awaitable<Result<SyncRunResult>> sync_connection(SyncContext& ctx, SyncMode mode) {
  const bool full = mode == SyncMode::full;
  SyncRunResult out;
  // The poll reads changed parties only (one request when nothing changed); deletions (R14)
  // wait for the next pull.
  auto capsule = co_await pull_capsule(ctx, {.full = full, .deletions = mode != SyncMode::poll});
  if (!capsule) co_return capsule.error();
  out.capsule = std::move(*capsule);
  if (mode != SyncMode::poll) {
    auto contacts = co_await pull_contacts(ctx, full);
    if (!contacts) co_return contacts.error();
    out.contacts = *contacts;
    auto invoices = co_await pull_invoices(ctx, full);
    if (!invoices) co_return invoices.error();
    out.invoices = *invoices;
  }
  if (full) {
    // Overdue flags change as days pass (R9) and incremental filters miss some changes.
    if (auto s = ctx.store.contacts.mark_all_pending(); !s) co_return s.error();
  }
  // Once after an upgrade to schema 3, so export's near-duplicate check (R17) uses the index.
  if (auto s = ctx.store.contacts.fill_near_keys(); !s) co_return s.error();
  auto pass = co_await reconcile_pending(ctx, out.capsule.deleted_bound);
  if (!pass) co_return pass.error();
  out.pass = *pass;
  // The deletions are handled: later polls need not see them again.
  if (!out.capsule.deleted_cursor.empty())
    if (auto s = ctx.store.cursors.set(kCapsuleDeleted, out.capsule.deleted_cursor, ctx.now_ms()); !s)
      co_return s.error();
  co_return out;
}

}  // namespace capsync::engine
