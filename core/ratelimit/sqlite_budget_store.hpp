#pragma once
// SqliteBudgetStore: BudgetStore on the rate_budget table of capsync's database.

#include "core/ratelimit/budget_store.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::ratelimit {

class SqliteBudgetStore final : public BudgetStore {
 public:
  explicit SqliteBudgetStore(store::Database& db) : db_(db) {}
  Result<std::vector<BudgetRow>> load(const std::string& connection, const std::string& provider) override;
  Status save(const std::string& connection, const std::string& provider, const std::vector<BudgetRow>& rows) override;

 private:
  store::Database& db_;
};

}  // namespace capsync::ratelimit
