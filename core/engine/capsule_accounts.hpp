#pragma once
// CapsuleAccounts: which Capsule account each connection's token reaches (R28), as last read
// (GET /site) and kept in `engine_capsule_accounts`, so status and the journal can say which
// connections share one account.

#include <optional>
#include <utility>
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

  // Records `account` for `connection`, with the summary field names it writes there; true
  // when the account is new or another than before.
  Result<bool> record(std::string_view connection, const connector::CapsuleAccount& account,
                      const std::vector<std::string>& summary_fields);
  // The connections on the same account as `connection` that write one of its summary fields,
  // each with the first such field. Connections with different tokens are only found here.
  Result<std::vector<std::pair<std::string, std::string>>> field_clashes(std::string_view connection) const;
  // The account recorded for `connection`, if any (only key and name are kept).
  Result<std::optional<connector::CapsuleAccount>> get(std::string_view connection) const;
  // The other connections recorded on the same account as `connection`, by name.
  Result<std::vector<std::string>> sharing_with(std::string_view connection) const;

 private:
  store::Database& db_;
};

}  // namespace capsync::engine
