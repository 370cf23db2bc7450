#include "core/engine/pull.hpp"

#include <set>

#include <fmt/format.h>

#include "core/engine/connection_store.hpp"
#include "core/engine/jobs.hpp"
#include "core/engine/record_codec.hpp"
#include "core/log/log.hpp"
#include "core/store/database.hpp"
#include "core/sync/contact_details.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

namespace {

// Whether a push of the linked `party` would send something other than what was last pushed.
Result<bool> changed_since_push(const SyncContext& ctx, const model::Party& party, const sync::Binding& b) {
  if (!b.pushed_hash) return true;
  auto details = linked_details(ctx.store, party, b.remote_id);
  if (!details) return details.error();
  return *b.pushed_hash != sync::details_hash(*details);
}

// The parties to push after `party` was read: itself when linked and changed, or when it
// carries the export tag; and its organisation when that is linked and `party` is its contact
// person (R10: an edit of the person changes the organisation's contact person).
Result<std::vector<model::PartyId>> pushes_for(const SyncContext& ctx, const model::Party& party) {
  std::vector<model::PartyId> out;
  // An export tag on a linked party is removed by the push job too (R12: nothing to export).
  const bool tagged = !ctx.policy.export_tag.empty() && party.has_tag(ctx.policy.export_tag);
  auto b = ctx.store.bindings.find_by_party(party.id);
  if (!b) return b.error();
  if (*b) {
    auto changed = changed_since_push(ctx, party, **b);
    if (!changed) return changed.error();
    if (tagged || *changed) out.push_back(party.id);
  } else if (tagged) {
    out.push_back(party.id);
  }
  if (party.type == model::PartyType::person && party.organisation) {
    auto org_binding = ctx.store.bindings.find_by_party(party.organisation->id);
    if (!org_binding) return org_binding.error();
    if (!*org_binding) return out;
    auto org = ctx.store.parties.get(party.organisation->id);
    if (!org) return org.error();
    if (!*org) return out;  // not mirrored yet: its own read decides
    auto changed = changed_since_push(ctx, **org, **org_binding);
    if (!changed) return changed.error();
    if (*changed) out.push_back(party.organisation->id);
  }
  return out;
}

asio::awaitable<Status> pull_deleted(SyncContext& ctx, CapsulePullResult& out) {
  auto cursor = ctx.store.cursors.get(kCapsuleDeleted);
  if (!cursor) co_return cursor.error();
  const auto now = model::Timestamp(std::chrono::milliseconds(ctx.now_ms()));
  if (cursor->empty()) {
    // First sync: nothing was linked before now, so earlier deletions do not matter.
    out.deleted_cursor = model::format_timestamp(now);
    co_return Status{};
  }
  auto since = model::parse_timestamp(*cursor);
  if (!since) co_return since.error();
  auto deleted = co_await ctx.capsule.list_deleted_parties(*since);
  if (!deleted) co_return deleted.error();
  model::Timestamp high = *since;
  auto tx = ctx.store.db.begin();
  if (!tx) co_return tx.error();
  for (const auto& d : *deleted) {
    if (d.deleted_at && *d.deleted_at > high) high = *d.deleted_at;
    auto mirrored = ctx.store.parties.get(d.id);
    if (!mirrored) co_return mirrored.error();
    auto found = ctx.store.bindings.find_by_party(d.id);
    if (!found) co_return found.error();
    const auto& b = *found;
    if (!*mirrored && !b) continue;  // seen by an earlier sync (>= since delivers it again)
    if (auto s = ctx.store.parties.remove(d.id); !s) co_return s;
    if (b) {
      out.deleted_bound.push_back(d.id);
      if (auto s = ctx.store.contacts.mark_pending(b->remote_id); !s) co_return s;
      log::notice({.connection = ctx.connection, .record = b->remote_id},
                  "Linked Capsule party {} was deleted in Capsule (accounting contact {})", d.id, b->remote_id);
    }
  }
  if (auto s = tx->commit(); !s) co_return s;
  if (high != *since) out.deleted_cursor = model::format_timestamp(high);
  co_return Status{};
}

}  // namespace

std::string capsule_listing_cursor(const std::string& stored, const std::string& newest,
                                   std::optional<model::Timestamp> began) {
  if (!began) return newest;
  const auto at = model::format_timestamp(*began - std::chrono::seconds(1));
  return stored.empty() || at > stored ? at : stored;
}

asio::awaitable<Result<CapsulePullResult>> pull_capsule(SyncContext& ctx, CapsulePullOptions options) {
  CapsulePullResult out;
  auto stored = ctx.store.cursors.get(kCapsuleParties);
  if (!stored) co_return stored.error();
  // Capsule does not say in which order it lists changed parties (by id, as far as seen), so a
  // later page may hold older changes than an earlier one: the cursor moves to the newest change
  // only once the whole listing is read. A listing broken off (a crash, a failed page) is read
  // again from the old cursor; what the mirror already holds is dropped then.
  std::string newest = *stored;
  // Nor may the cursor pass the moment the listing began by Capsule's clock: a party on a page
  // already read may be edited before a later page shows a newer edit.
  std::optional<model::Timestamp> began;
  connector::ListRequest request{options.full ? std::string() : *stored, 1};
  for (;;) {
    auto page = co_await ctx.capsule.list_parties(request);
    if (!page) co_return page.error().with_context("Failed to list Capsule parties");
    {
      // Mirror rows and push jobs commit together: a crash loses or repeats no push.
      auto tx = ctx.store.db.begin();
      if (!tx) co_return tx.error();
      int pushes = 0;
      for (const auto& party : page->items) {
        // ">= cursor" delivers the last changes again: what the mirror already holds is dropped,
        // except by a full pass, which re-decides every party.
        auto seen = ctx.store.parties.holds(party);
        if (!seen) co_return seen.error();
        if (*seen && !options.full) continue;
        if (!*seen)
          if (auto s = ctx.store.parties.upsert(party); !s) co_return s.error();
        auto targets = pushes_for(ctx, party);
        if (!targets) co_return targets.error();
        for (const auto id : *targets) {
          auto queued = ctx.enqueue(push_job(ctx.connection, id));
          if (!queued)
            co_return queued.error().with_context(fmt::format("Failed to queue a push of Capsule party {}", id));
          ++pushes;
        }
      }
      // Committed with the cursor: a skipped record is never passed over without a trace.
      if (auto s = record_unreadable(ctx.store.conflicts, page->unreadable, "Capsule party", true, request.page,
                                     ctx.connection, ctx.now_ms());
          !s)
        co_return s.error();
      if (!page->cursor.empty() && page->cursor > newest) newest = page->cursor;
      if (request.page == 1) began = page->answered_at;
      if (!page->has_next) newest = capsule_listing_cursor(*stored, newest, began);
      if (!page->has_next && newest != *stored)
        if (auto s = ctx.store.cursors.set(kCapsuleParties, newest, ctx.now_ms()); !s) co_return s.error();
      if (auto s = tx->commit(); !s) co_return s.error();
      out.pushes_enqueued += pushes;
    }
    out.parties_read += static_cast<int>(page->items.size());
    if (ctx.progress) ctx.progress->page_read(ctx.connection, page->listed(), page->total);
    if (!page->has_next) break;
    ++request.page;
  }
  if (options.deletions)
    if (auto s = co_await pull_deleted(ctx, out); !s)
      co_return s.error().with_context("Failed to list deleted Capsule parties");
  co_return out;
}

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
    if (ctx.progress) ctx.progress->page_read(ctx.connection, page->listed(), page->total);
    if (!page->has_next) break;
    ++request.page;
  }
  if (full) {
    if (auto s = co_await infer_deletions(ctx, seen); !s) co_return s.error();
  }
  co_return out;
}

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
    if (ctx.progress) ctx.progress->page_read(ctx.connection, page->listed(), page->total);
    if (!page->has_next) break;
    ++request.page;
  }
  co_return out;
}

}  // namespace capsync::engine
