#pragma once
// BudgetStore: where rate limit usage survives a restart (the rate_budget table).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/error/result.hpp"

namespace capsync::ratelimit {

struct BudgetRow {
  std::string window;  // Window::name
  std::int64_t used = 0;
  std::chrono::system_clock::time_point window_start;  // oldest counted request
  std::optional<std::chrono::system_clock::time_point> reset_at;  // when the window is empty again
  std::optional<std::int64_t> limit;  // what the service declared (X-RateLimit-Limit); none: the documented one
};

class BudgetStore {
 public:
  virtual ~BudgetStore() = default;
  virtual Result<std::vector<BudgetRow>> load(const std::string& connection, const std::string& provider) = 0;
  // Replaces the rows of (connection, provider).
  virtual Status save(const std::string& connection, const std::string& provider,
                      const std::vector<BudgetRow>& rows) = 0;
};

// For tests and for running without a state database.
class MemoryBudgetStore final : public BudgetStore {
 public:
  Result<std::vector<BudgetRow>> load(const std::string& connection, const std::string& provider) override;
  Status save(const std::string& connection, const std::string& provider,
              const std::vector<BudgetRow>& rows) override;
  int saves() const { return saves_; }

 private:
  std::map<std::pair<std::string, std::string>, std::vector<BudgetRow>> rows_;
  int saves_ = 0;
};

}  // namespace capsync::ratelimit
