#include "core/engine/invoice_pull.hpp"

#include "core/store/database.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

asio::awaitable<Result<InvoicePullResult>> pull_invoices(SyncContext& ctx, bool full) {
  InvoicePullResult out;
  auto stored = ctx.store.cursors.get(kInvoices);
  if (!stored) co_return stored.error();
  // Where invoices decide qualification, bills count (R3) even when the summary leaves them out (R6).
  const bool include_purchase = ctx.policy.qualifies_by_invoices || ctx.policy.include_supplier_invoices;
  std::string cursor = *stored;
  connector::ListRequest request{full ? std::string() : *stored, 1};
  for (;;) {
    auto page = co_await ctx.accounting.list_invoices(request, include_purchase);
    if (!page) co_return page.error().with_context("Failed to list invoices");
    {
      auto tx = ctx.store.db.begin();
      if (!tx) co_return tx.error();
      for (const auto& inv : page->items) {
        auto changed = ctx.store.invoices.upsert(inv, ctx.now_ms());
        if (!changed) co_return changed.error();
        if (*changed) {
          ++out.changed;
          if (auto s = ctx.store.contacts.mark_pending(inv.contact_remote_id); !s) co_return s.error();
        }
      }
      // Committed with the cursor: a skipped record is never passed over without a trace.
      if (auto s = record_unreadable(ctx.store.conflicts, page->unreadable, "accounting invoice", false, request.page,
                                     ctx.connection, ctx.now_ms());
          !s)
        co_return s.error();
      // Invoices the store already holds as read change nothing (InvoicesRepo::upsert), so
      // only a later high-water mark is written.
      if (!page->cursor.empty() && page->cursor > cursor) {
        if (auto s = ctx.store.cursors.set(kInvoices, page->cursor, ctx.now_ms()); !s) co_return s.error();
        cursor = page->cursor;
      }
      if (auto s = tx->commit(); !s) co_return s.error();
    }
    out.invoices_read += static_cast<int>(page->items.size());
    if (!page->has_next) break;
    ++request.page;
  }
  co_return out;
}

}  // namespace capsync::engine
