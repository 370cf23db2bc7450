#pragma once
// CursorsRepo: the incremental position per (connection, resource) (design §3). set() is
// meant to run inside the caller's Transaction, next to the page the value came from.

#include <string>
#include <string_view>

#include "core/error/result.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

// Resource names the engine keeps cursors for.
inline constexpr std::string_view kCapsuleParties = "capsule.parties";
inline constexpr std::string_view kCapsuleDeleted = "capsule.deleted";
inline constexpr std::string_view kContacts = "accounting.contacts";
inline constexpr std::string_view kInvoices = "accounting.invoices";

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
