#pragma once
// What the pulls brought in for one connection: the local copies of both sides (Capsule
// parties, accounting contacts), the invoice history, and where each incremental read resumes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/model/contact.hpp"
#include "core/model/invoice.hpp"
#include "core/model/party.hpp"
#include "core/sync/contact_name_index.hpp"
#include "core/sync/party_index.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

// PartyMirror: a local copy of a connection's Capsule parties with their R1/R17 name keys,
// kept current by the incremental Capsule pull. It is the reconciler's PartyIndex, so linking
// 10,000 contacts costs the ~100 page reads of the pull instead of 10,000 searches.
class PartyMirror final : public sync::PartyIndex {
 public:
  PartyMirror(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  // The store's error when the mirror cannot be read, never an empty list in its place.
  Result<std::vector<sync::PartyCandidate>> find_by_exact_key(std::string_view key) const override;
  Result<std::vector<sync::PartyCandidate>> find_by_normalized_key(std::string_view key) const override;
  Result<std::vector<sync::PartyCandidate>> find_by_near_key(std::string_view key) const override;

  Status upsert(const model::Party& party);
  Status remove(model::PartyId id);
  // True when the mirror holds exactly this record (an incremental read delivered it again).
  Result<bool> holds(const model::Party& party) const;
  // The party as last read; nullopt when it is not mirrored.
  Result<std::optional<model::Party>> get(model::PartyId id) const;
  // R10: the person an organisation's accounting contact gets as contact person: `recorded`
  // (the person a B2B export was made for) while they still belong to it, else its first
  // person by Capsule id; nullopt when it has none in the mirror.
  Result<std::optional<model::Party>> contact_person_of(model::PartyId organisation,
                                                        std::optional<model::PartyId> recorded) const;

 private:
  Result<std::vector<sync::PartyCandidate>> find(std::string_view column, std::string_view key) const;

  store::Database& db_;
  std::string connection_;
};

// ContactMirror: a local copy of a connection's accounting contacts, as last read. It is the
// reconciler's ContactNameIndex (R13), the `current` of R10 partial updates, and the work list
// of reconciliation: a contact is `pending` from the moment it (or one of its invoices) changes
// until its actions were executed, so a crash between pull and reconcile loses nothing.
class ContactMirror final : public sync::ContactNameIndex {
 public:
  ContactMirror(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  // Active contacts only (R13 compares against contacts that exist). The store's error when the
  // mirror cannot be read, never an empty list in its place.
  Result<std::vector<std::string>> find_by_exact_key(std::string_view key) const override;
  Result<std::vector<std::string>> find_by_near_key(std::string_view key) const override;
  // Stores the near key of contacts mirrored before near keys were kept (schema 3); cheap once
  // every row has one.
  Status fill_near_keys();

  // Stores the contact and marks it pending when `mark_pending`.
  Status upsert(const model::Contact& contact, bool mark_pending);
  Status mark_pending(std::string_view remote_id);
  Status mark_all_pending();
  Status clear_pending(std::string_view remote_id);
  // Up to `limit` pending remote ids after `after`, in order.
  Result<std::vector<std::string>> pending(std::string_view after, int limit) const;
  // How many are pending: the work of the next reconcile pass.
  Result<std::int64_t> count_pending() const;
  Result<std::optional<model::Contact>> get(std::string_view remote_id) const;

 private:
  store::Database& db_;
  std::string connection_;
};

// InvoicesRepo: the invoice history per accounting contact (R6) in the `invoices` table.
// Amounts are stored as exact decimal strings (R8).
class InvoicesRepo final {
 public:
  InvoicesRepo(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  // Inserts or replaces; returns true when the stored row changed (new, or any column differs).
  Result<bool> upsert(const model::Invoice& invoice, std::int64_t now_ms);
  // Every stored invoice of the contact, by remote id.
  Result<std::vector<model::Invoice>> for_contact(std::string_view contact_remote_id) const;

 private:
  store::Database& db_;
  std::string connection_;
};

// CursorsRepo: the incremental position per (connection, resource) (design §3). set() is
// meant to run inside the caller's Transaction, next to the page the value came from.
// Resource names the engine keeps cursors for.
inline constexpr std::string_view kCapsuleParties = "capsule.parties";
inline constexpr std::string_view kCapsuleDeleted = "capsule.deleted";
inline constexpr std::string_view kContacts = "accounting.contacts";
inline constexpr std::string_view kInvoices = "accounting.invoices";
// R27: when a pull last found accounting changes (updated_at; the value is their count), which
// webhooks should have announced: status warns when that happens while a source is silent.
inline constexpr std::string_view kPolledChanges = "webhooks.polled_changes";

class CursorsRepo final {
 public:
  CursorsRepo(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  // "" when the resource has never been read (a full scan).
  Result<std::string> get(std::string_view resource) const;
  Status set(std::string_view resource, std::string_view value, std::int64_t now_ms);

 private:
  store::Database& db_;
  std::string connection_;
};

}  // namespace capsync::engine
