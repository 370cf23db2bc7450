#include "core/engine/webhook_refresh.hpp"

#include <set>
#include <string>
#include <vector>

#include "core/engine/connection_store.hpp"
#include "core/engine/pull.hpp"
#include "core/engine/record_codec.hpp"
#include "core/log/log.hpp"
#include "core/store/database.hpp"
#include "core/webhook/refresh_store.hpp"

namespace capsync::engine {

namespace asio = boost::asio;
using webhook::PendingRefresh;
using webhook::RecordKind;

namespace {

// Records read back per round: one Xero page.
constexpr int kPage = 100;

std::vector<std::string> ids_of(const std::vector<PendingRefresh>& taken) {
  std::vector<std::string> ids;
  ids.reserve(taken.size());
  for (const auto& p : taken) ids.push_back(p.remote_id);
  return ids;
}

// Every pending row of `kind`, taken before a listing that reads them all. Rows that arrive
// while the listing runs may name an edit made after it read that record: they stay pending.
Result<std::vector<PendingRefresh>> take_all(SyncContext& ctx, webhook::RefreshStore& refreshes, RecordKind kind) {
  return refreshes.pending(ctx.connection, kind, webhook::kRefreshCap);
}

// Stores contacts read back; a changed one becomes pending. Inside the caller's transaction.
Result<int> store_contacts(SyncContext& ctx, const std::vector<model::Contact>& contacts) {
  int changed = 0;
  for (const auto& c : contacts) {
    auto known = ctx.store.contacts.get(c.remote_id);
    if (!known) return known.error();
    if (*known && encode_contact(**known) == encode_contact(c)) continue;  // e.g. our own write (R11)
    if (auto s = ctx.store.contacts.upsert(c, true); !s) return s.error();
    ++changed;
  }
  return changed;
}

asio::awaitable<Status> refresh_contacts(SyncContext& ctx, webhook::RefreshStore& refreshes, RefreshResult& out) {
  for (;;) {
    auto taken = refreshes.pending(ctx.connection, RecordKind::contact, kPage);
    if (!taken) co_return taken.error();
    if (taken->empty()) co_return Status{};
    const auto ids = ids_of(*taken);
    auto contacts = co_await ctx.accounting.get_contacts(ids);
    if (!contacts && contacts.error().code() == Errc::unsupported) {
      auto all = take_all(ctx, refreshes, RecordKind::contact);
      if (!all) co_return all.error();
      auto listed = co_await pull_contacts(ctx, false);
      if (!listed) co_return listed.error();
      out.listed = true;
      out.changed += listed->changed;
      co_return refreshes.done(ctx.connection, RecordKind::contact, *all);
    }
    if (!contacts) co_return contacts.error();
    auto tx = ctx.store.db.begin();
    if (!tx) co_return tx.error();
    auto changed = store_contacts(ctx, *contacts);
    if (!changed) co_return changed.error();
    if (auto s = refreshes.done(ctx.connection, RecordKind::contact, *taken); !s) co_return s;
    if (auto s = tx->commit(); !s) co_return s;
    out.contacts_read += static_cast<int>(contacts->size());
    out.changed += *changed;
  }
}

asio::awaitable<Status> refresh_invoices(SyncContext& ctx, webhook::RefreshStore& refreshes, RefreshResult& out) {
  // Where invoices decide qualification, bills count (R3) even when the summary leaves them out (R6).
  const bool include_purchase = ctx.policy.qualifies_by_invoices || ctx.policy.include_supplier_invoices;
  for (;;) {
    auto taken = refreshes.pending(ctx.connection, RecordKind::invoice, kPage);
    if (!taken) co_return taken.error();
    if (taken->empty()) co_return Status{};
    const auto ids = ids_of(*taken);
    auto invoices = co_await ctx.accounting.get_invoices(ids, include_purchase);
    if (!invoices && invoices.error().code() == Errc::unsupported) {
      auto all = take_all(ctx, refreshes, RecordKind::invoice);
      if (!all) co_return all.error();
      auto listed = co_await pull_invoices(ctx, false);
      if (!listed) co_return listed.error();
      out.listed = true;
      out.changed += listed->changed;
      co_return refreshes.done(ctx.connection, RecordKind::invoice, *all);
    }
    if (!invoices) co_return invoices.error();
    // A contact's first invoice may arrive before the contact itself is mirrored.
    std::set<std::string> missing;
    for (const auto& inv : *invoices) {
      auto known = ctx.store.contacts.get(inv.contact_remote_id);
      if (!known) co_return known.error();
      if (!*known && !inv.contact_remote_id.empty()) missing.insert(inv.contact_remote_id);
    }
    std::vector<model::Contact> contacts;
    if (!missing.empty()) {
      const std::vector<std::string> wanted(missing.begin(), missing.end());
      auto read = co_await ctx.accounting.get_contacts(wanted);
      if (!read) co_return read.error();
      contacts = std::move(*read);
    }
    auto tx = ctx.store.db.begin();
    if (!tx) co_return tx.error();
    auto changed_contacts = store_contacts(ctx, contacts);
    if (!changed_contacts) co_return changed_contacts.error();
    for (const auto& inv : *invoices) {
      auto changed = ctx.store.invoices.upsert(inv, ctx.now_ms());
      if (!changed) co_return changed.error();
      if (!*changed) continue;
      ++out.changed;
      if (auto s = ctx.store.contacts.mark_pending(inv.contact_remote_id); !s) co_return s;
    }
    if (auto s = refreshes.done(ctx.connection, RecordKind::invoice, *taken); !s) co_return s;
    if (auto s = tx->commit(); !s) co_return s;
    out.invoices_read += static_cast<int>(invoices->size());
    out.contacts_read += static_cast<int>(contacts.size());
  }
}

}  // namespace

asio::awaitable<Result<RefreshResult>> refresh_from_webhooks(SyncContext& ctx, webhook::RefreshStore& refreshes) {
  RefreshResult out;
  // Capsule parties: one poll of the changed parties reads every one the hooks named.
  CapsulePullResult capsule;
  auto parties = take_all(ctx, refreshes, RecordKind::party);
  if (!parties) co_return parties.error();
  if (!parties->empty()) {
    auto polled = co_await pull_capsule(ctx, {.full = false, .deletions = true});
    if (!polled) co_return polled.error();
    capsule = std::move(*polled);
    out.capsule_polled = true;
    if (auto s = refreshes.done(ctx.connection, RecordKind::party, *parties); !s) co_return s.error();
  }
  if (auto s = co_await refresh_contacts(ctx, refreshes, out); !s) co_return s.error();
  if (auto s = co_await refresh_invoices(ctx, refreshes, out); !s) co_return s.error();
  // Quotes and opportunities are read by the periodic sync; a hint about them is spent.
  for (RecordKind kind : {RecordKind::quote, RecordKind::opportunity}) {
    auto spent = take_all(ctx, refreshes, kind);
    if (!spent) co_return spent.error();
    if (auto s = refreshes.done(ctx.connection, kind, *spent); !s) co_return s.error();
  }
  auto pass = co_await reconcile_pending(ctx, capsule.deleted_bound);
  if (!pass) co_return pass.error();
  out.pass = *pass;
  if (!capsule.deleted_cursor.empty())
    if (auto s = ctx.store.cursors.set(kCapsuleDeleted, capsule.deleted_cursor, ctx.now_ms()); !s) co_return s.error();
  co_return out;
}

}  // namespace capsync::engine
