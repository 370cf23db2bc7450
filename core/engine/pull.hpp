#pragma once
// The pull of one sync: brings the store up to date from both sides, in the order a sync runs
// them — Capsule parties, accounting contacts, invoices — each page committed with its cursor,
// so a crash re-reads at most one page. What changed is marked pending for the reconcile pass.

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/engine/sync_context.hpp"

namespace capsync::engine {

// pull_capsule: brings the party mirror up to date from Capsule, page by page, each page's
// rows and push jobs committed with its cursor (a crash re-reads at most one page). Parties
// the mirror already holds as read are dropped, so when nothing changed a pull costs one
// request (two with deletions) and writes nothing. A linked party whose
// pushed fields no longer hash to what was last pushed (or seen), the linked organisation of
// a person whose edit changes its contact person, and an unlinked party with the export tag
// get a `push` job (R10, R12); capsync's own summary writes change no pushed
// field, so their echo enqueues nothing (R11). Deleted parties leave the mirror; those that
// were linked come back as `deleted_bound` for R14, with their contacts marked pending.
struct CapsulePullResult {
  int parties_read = 0;
  int pushes_enqueued = 0;
  std::vector<model::PartyId> deleted_bound;
  // The deletion cursor to commit once the deleted parties were reconciled; empty: unchanged.
  std::string deleted_cursor;
};

struct CapsulePullOptions {
  bool full = false;       // every party (full reconcile), not only those changed since the cursor
  bool deletions = true;   // also read the deleted-parties list: a second request
};

boost::asio::awaitable<Result<CapsulePullResult>> pull_capsule(SyncContext& ctx, CapsulePullOptions options);

// The party cursor to store after a whole listing: one second before the listing `began` (its
// first page's Date, whole seconds), not the `newest` change it saw, since an edit made meanwhile
// may sit on a page already read; never before the `stored` cursor. Without a start time, `newest`.
std::string capsule_listing_cursor(const std::string& stored, const std::string& newest,
                                   std::optional<model::Timestamp> began);

// pull_contacts: brings the contact mirror up to date from the accounting service, page by
// page, each page committed with its cursor. A contact whose stored record changed becomes
// pending (to be reconciled). A full pass (empty cursor) marks every contact pending, and —
// only after the scan completed — asks the provider about linked contacts it did not list,
// which are marked deleted when the provider no longer has them (R15; Xero has no deletion feed).
struct ContactPullResult {
  int contacts_read = 0;
  int changed = 0;
};

boost::asio::awaitable<Result<ContactPullResult>> pull_contacts(SyncContext& ctx, bool full);

// pull_invoices: brings the invoice history (R6) up to date, page by page with its cursor. A
// contact with a new or changed invoice becomes pending, which is what makes a Xero contact
// qualify once its first non-draft invoice appears (R3) and what refreshes its summary.
struct InvoicePullResult {
  int invoices_read = 0;
  int changed = 0;
};

boost::asio::awaitable<Result<InvoicePullResult>> pull_invoices(SyncContext& ctx, bool full);

}  // namespace capsync::engine
