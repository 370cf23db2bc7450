#include "core/engine/contact_pull.hpp"

#include <set>

#include "core/engine/record_codec.hpp"
#include "core/log/log.hpp"
#include "core/store/database.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

namespace {

// Linked contacts a complete scan did not return: gone from the provider, or merely not listed.
asio::awaitable<Status> infer_deletions(SyncContext& ctx, const std::set<std::string>& seen) {
  auto bindings = ctx.store.bindings.all();
  if (!bindings) co_return bindings.error();
  for (const auto& b : *bindings) {
    if (seen.count(b.remote_id) != 0) continue;
    auto contact = co_await ctx.accounting.get_contact(b.remote_id);
    model::Contact c;
    if (contact) {
      c = std::move(*contact);
    } else if (contact.error().code() == Errc::not_found) {
      auto known = ctx.store.contacts.get(b.remote_id);
      if (!known) co_return known.error();
      if (*known) c = std::move(**known);
      c.remote_id = b.remote_id;
      c.status = model::ContactStatus::deleted;
      log::notice({.connection = ctx.connection, .record = b.remote_id},
                  "Accounting contact {} no longer exists; unlinking it (R15)", b.remote_id);
    } else {
      co_return contact.error();
    }
    if (auto s = ctx.store.contacts.upsert(c, true); !s) co_return s;
  }
  co_return Status{};
}

}  // namespace

asio::awaitable<Result<ContactPullResult>> pull_contacts(SyncContext& ctx, bool full) {
  ContactPullResult out;
  auto stored = ctx.store.cursors.get(kContacts);
  if (!stored) co_return stored.error();
  const bool scan = full || stored->empty();
  std::string cursor = *stored;
  connector::ListRequest request{full ? std::string() : *stored, 1};
  std::set<std::string> seen;
  for (;;) {
    auto page = co_await ctx.accounting.list_contacts(request);
    if (!page) co_return page.error().with_context("Failed to list accounting contacts");
    {
      auto tx = ctx.store.db.begin();
      if (!tx) co_return tx.error();
      for (const auto& c : page->items) {
        auto known = ctx.store.contacts.get(c.remote_id);
        if (!known) co_return known.error();
        const bool changed = !*known || encode_contact(**known) != encode_contact(c);
        if (scan) seen.insert(c.remote_id);
        // ">= cursor" delivers the last changes again: an unchanged contact is dropped, except
        // by a full pass, which marks every contact pending.
        if (!changed && !full) continue;
        if (changed) ++out.changed;
        if (auto s = ctx.store.contacts.upsert(c, true); !s) co_return s.error();
      }
      // Committed with the cursor: a skipped record is never passed over without a trace. It
      // counts as seen, so a full pass does not take it for deleted.
      if (auto s = record_unreadable(ctx.store.conflicts, page->unreadable, "accounting contact", false, request.page,
                                     ctx.connection, ctx.now_ms());
          !s)
        co_return s.error();
      if (scan)
        for (const auto& u : page->unreadable)
          if (!u.id.empty()) seen.insert(u.id);
      if (!page->cursor.empty() && page->cursor > cursor) {
        if (auto s = ctx.store.cursors.set(kContacts, page->cursor, ctx.now_ms()); !s) co_return s.error();
        cursor = page->cursor;
      }
      if (auto s = tx->commit(); !s) co_return s.error();
    }
    out.contacts_read += static_cast<int>(page->items.size());
    if (!page->has_next) break;
    ++request.page;
  }
  if (full) {
    if (auto s = co_await infer_deletions(ctx, seen); !s) co_return s.error();
  }
  co_return out;
}

}  // namespace capsync::engine
