#include "core/ratelimit/budget_store.hpp"

namespace capsync::ratelimit {

Result<std::vector<BudgetRow>> MemoryBudgetStore::load(const std::string& connection, const std::string& provider) {
  auto it = rows_.find({connection, provider});
  if (it == rows_.end()) return std::vector<BudgetRow>{};
  return it->second;
}

Status MemoryBudgetStore::save(const std::string& connection, const std::string& provider,
                               const std::vector<BudgetRow>& rows) {
  rows_[{connection, provider}] = rows;
  ++saves_;
  return {};
}

}  // namespace capsync::ratelimit
