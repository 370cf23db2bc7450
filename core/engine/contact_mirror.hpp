#pragma once
// ContactMirror: a local copy of a connection's accounting contacts, as last read. It is the
// reconciler's ContactNameIndex (R13), the `current` of R10 partial updates, and the work list
// of reconciliation: a contact is `pending` from the moment it (or one of its invoices) changes
// until its actions were executed, so a crash between pull and reconcile loses nothing.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/model/contact.hpp"
#include "core/sync/contact_name_index.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

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
  Result<std::optional<model::Contact>> get(std::string_view remote_id) const;

 private:
  store::Database& db_;
  std::string connection_;
};

}  // namespace capsync::engine
