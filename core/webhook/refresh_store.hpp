#pragma once
// RefreshStore: the refreshes webhook deliveries asked for (R23), in the `webhook_refresh`
// table: one row per (connection, kind, remote id), however many events named the record, so
// a storm of events for a few records queues a few refreshes. A connection holds at most
// `cap` rows; events beyond it are not stored and the connection is reported as overflowing,
// for its caller to ask for one ordinary sync instead (polling is the truth).
// Calls compose into the caller's open Transaction. Not thread-safe, like its Database.

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/queue/job_queue.hpp"
#include "core/webhook/event.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::webhook {

// The job that reads a connection's pending refreshes back through the API and reconciles
// them; one ready per connection (the queue absorbs repeats), ahead of the periodic syncs.
inline constexpr std::string_view kind_refresh = "webhook_refresh";
queue::JobSpec refresh_job(std::string_view connection, int max_attempts);

// The rows a connection holds at most by default.
inline constexpr int kRefreshCap = 10'000;

struct PendingRefresh {
  std::string remote_id;
  std::int64_t version = 0;  // removed only while still at this version
};

struct AddResult {
  std::set<std::string> connections;  // that now have a refresh pending
  std::set<std::string> overflowed;   // that hit the cap: some events were not stored
  int stored = 0;                     // events that added a row (the rest merged or overflowed)
};

class RefreshStore final {
 public:
  explicit RefreshStore(store::Database& db, int cap = kRefreshCap) : db_(db), cap_(cap) {}
  RefreshStore(const RefreshStore&) = delete;
  RefreshStore& operator=(const RefreshStore&) = delete;

  // Adds the events in one transaction, each merged with the pending row of its record.
  Result<AddResult> add(std::span<const Event> events, std::int64_t now_ms);
  // Up to `limit` pending records of one kind, oldest first.
  Result<std::vector<PendingRefresh>> pending(std::string_view connection, RecordKind kind, int limit);
  // Removes the rows read as `taken` unless a later event merged into them meanwhile.
  Status done(std::string_view connection, RecordKind kind, std::span<const PendingRefresh> taken);
  // Rows pending for a connection (every connection when empty).
  Result<std::int64_t> count(std::string_view connection = {});
  // Forgets a connection's pending refreshes (disable, or an ordinary sync covered them).
  Status clear(std::string_view connection);

 private:
  store::Database& db_;
  int cap_;
};

}  // namespace capsync::webhook
