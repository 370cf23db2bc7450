#pragma once
// CapsuleAccounts: which Capsule account each connection's token reaches (R28), as last read
// (GET /site) and kept in `engine_capsule_accounts`, so status and the journal can say which
// connections share one account.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/connector/capsule_types.hpp"
#include "core/error/result.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

class CapsuleAccounts final {
 public:
  explicit CapsuleAccounts(store::Database& db) : db_(db) {}

  // Records `account` for `connection`; true when it is new or another account than before.
  Result<bool> record(std::string_view connection, const connector::CapsuleAccount& account);
  // The account recorded for `connection`, if any (only key and name are kept).
  Result<std::optional<connector::CapsuleAccount>> get(std::string_view connection) const;
  // The other connections recorded on the same account as `connection`, by name.
  Result<std::vector<std::string>> sharing_with(std::string_view connection) const;

 private:
  store::Database& db_;
};

}  // namespace capsync::engine
