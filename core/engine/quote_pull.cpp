#include "core/engine/quote_pull.hpp"

#include "core/engine/connection_store.hpp"
#include "core/store/database.hpp"

namespace capsync::engine {

boost::asio::awaitable<Result<QuotePullResult>> pull_quotes(SyncContext& ctx, bool full) {
  QuotePullResult out;
  if (!ctx.policy.quotes_read) co_return out;
  auto stored = ctx.store.cursors.get(kQuotes);
  if (!stored) co_return stored.error();
  std::string cursor = *stored;
  connector::ListRequest request{full ? std::string() : *stored, 1};
  for (;;) {
    auto page = co_await ctx.accounting.list_quotes(request);
    if (!page) co_return page.error().with_context("Failed to list quotes");
    {
      auto tx = ctx.store.db.begin();
      if (!tx) co_return tx.error();
      for (const auto& quote : page->items) {
        auto changed = ctx.store.quotes.upsert(quote, ctx.now_ms());
        if (!changed) co_return changed.error();
        if (!*changed) continue;
        ++out.changed;
        if (auto s = ctx.store.contacts.mark_pending(quote.contact_remote_id); !s) co_return s.error();
      }
      // Committed with the cursor: a skipped record is never passed over without a trace.
      if (auto s = record_unreadable(ctx.store.conflicts, page->unreadable, "accounting quote", false, request.page,
                                     ctx.connection, ctx.now_ms());
          !s)
        co_return s.error();
      if (!page->cursor.empty() && page->cursor > cursor) {
        if (auto s = ctx.store.cursors.set(kQuotes, page->cursor, ctx.now_ms()); !s) co_return s.error();
        cursor = page->cursor;
      }
      if (auto s = tx->commit(); !s) co_return s.error();
    }
    out.quotes_read += static_cast<int>(page->items.size());
    if (ctx.progress) ctx.progress->page_read(ctx.connection, page->listed(), page->total);
    if (!page->has_next) break;
    ++request.page;
  }
  co_return out;
}

}  // namespace capsync::engine
