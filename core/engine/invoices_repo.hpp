#pragma once
// InvoicesRepo: the invoice history per accounting contact (R6) in the `invoices` table.
// Amounts are stored as exact decimal strings (R8).

#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/model/invoice.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

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

}  // namespace capsync::engine
