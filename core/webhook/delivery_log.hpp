#pragma once
// DeliveryLog: the webhook deliveries of the last 24 hours per source, in the
// `webhook_deliveries` table, for status (R27): when each source last delivered and how many
// deliveries it made in the last day. Older rows are pruned as new ones arrive, so the table
// holds one day of deliveries at most. Not thread-safe, like its Database.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::webhook {

inline constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

struct SourceHealth {
  std::string source;
  std::int64_t last_at_ms = 0;   // the last delivery of any outcome
  std::int64_t last_accepted_ms = 0;  // the last one with a good signature (0: none in 24 h)
  std::string last_outcome;
  std::int64_t count_24h = 0;
};

class DeliveryLog final {
 public:
  explicit DeliveryLog(store::Database& db) : db_(db) {}
  DeliveryLog(const DeliveryLog&) = delete;
  DeliveryLog& operator=(const DeliveryLog&) = delete;

  Status record(std::string_view source, std::string_view outcome, std::int64_t now_ms);
  // Every source that delivered in the 24 hours before now_ms, by name.
  Result<std::vector<SourceHealth>> health(std::int64_t now_ms);

 private:
  store::Database& db_;
};

}  // namespace capsync::webhook
