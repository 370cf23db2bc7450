#pragma once
// JobQueue: the durable job queue of design.md §3, stored in the `jobs` table.
//
// States: ready -> running (claim) -> done (complete)
//                          running -> ready (fail with backoff, park, lease expired)
//                          running -> dead  (fail or lease expiry at max_attempts) -> ready (retry)
// A job changes state only through these calls. Calls that act on a claimed job name the
// lease owner; a worker that lost its lease (owner differs, job not running) gets
// Errc::conflict and changes nothing.
//
// Dedupe: at most one *ready* job per (connection, dedupe_key) when the key is not empty. A
// running job does not absorb new work (it may already have read the old state). When a
// running job returns to ready while another ready job holds its key, the two are merged
// into the ready one (higher priority, later run_after, higher attempt count, last error).
//
// Record keys: a ready job is not claimed while a job with the same non-empty record_key
// is running, so jobs for one record never run at once.
//
// Every call is one transaction, or a savepoint inside the caller's open Transaction, so a
// worker can commit its job's effects and complete() atomically. All times are unix ms and
// passed in, so callers (and tests) own the clock. Not thread-safe, like its Database.

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::queue {

struct JobSpec {
  // Members all have initializers so designated initializers may leave any of them out.
  std::string kind{};
  std::string connection{};
  std::string payload{};
  std::string dedupe_key{};  // empty: never deduplicated
  std::string record_key{};  // empty: no exclusion
  int priority = 0;        // higher runs first
  std::int64_t run_after_ms = 0;
  int max_attempts = 8;
};

enum class JobState { ready, running, done, dead };
// Inline, so the admin protocol can name job states without linking the queue.
inline std::string_view to_string(JobState state) {
  switch (state) {
    case JobState::ready: return "ready";
    case JobState::running: return "running";
    case JobState::done: return "done";
    case JobState::dead: return "dead";
  }
  return "unknown";
}

struct Job {
  std::int64_t id = 0;
  std::string kind{}, connection{}, payload{}, dedupe_key{}, record_key{};
  int priority = 0, attempts = 0, max_attempts = 0;
  JobState state = JobState::ready;
  std::int64_t run_after_ms = 0, lease_until_ms = 0;
  std::int64_t created_at_ms = 0, finished_at_ms = 0;  // finished: when it went done or dead
  std::int64_t started_at_ms = 0;  // when its latest run was claimed; 0 before the first
  std::string lease_owner{}, last_error{};
};

struct QueueOptions {
  // Backoff after the n-th failure: d = min(cap, base * 2^(n-1)), waited d/2 + uniform[0, d/2].
  std::int64_t backoff_base_ms = 2'000;
  std::int64_t backoff_cap_ms = 3'600'000;
  std::uint64_t seed = 0;  // jitter seed; 0 picks a random one
};

struct JobFilter {
  std::optional<JobState> state{};
  std::optional<std::string> connection{};
  std::optional<std::string> kind{};
  std::int64_t after_id = 0;  // paging: only ids greater than this
  int limit = 100;
};

struct QueueCounts {
  std::int64_t ready = 0, running = 0, done = 0, dead = 0;
};

// When a connection's jobs of some kinds ran, in unix ms; nullopt when no job qualifies.
// Done jobs count only within queue.retention (prune_done deletes older ones).
struct JobTimes {
  std::optional<std::int64_t> next_ready;     // the earliest run_after of a ready job
  std::optional<std::int64_t> last_created;   // the latest created_at of any job
  std::optional<std::int64_t> last_done;      // the latest finished_at of a done job
};

class JobQueue final {
 public:
  explicit JobQueue(store::Database& db, QueueOptions options = {});
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Adds a ready job, or returns the id of the ready job with the same (connection, dedupe_key),
  // which keeps its payload and takes the earlier run_after, higher priority and max_attempts.
  Result<std::int64_t> enqueue(const JobSpec& spec, std::int64_t now_ms);
  // The same for many jobs in one transaction (ids in order; absorbed ones repeat an id).
  Result<std::vector<std::int64_t>> enqueue_many(std::span<const JobSpec> specs, std::int64_t now_ms);

  // Leases the most urgent due job (priority, then run_after, then id) to `owner` until
  // now_ms + lease_ms, skipping jobs whose record_key has a running job. One UPDATE … RETURNING.
  // Once the database has latched a fatal error, returns that error instead.
  Result<std::optional<Job>> claim(std::string_view owner, std::int64_t now_ms, std::int64_t lease_ms);
  // Up to `max` claims in one transaction, for throughput. Jobs sharing a record_key are
  // never leased together.
  Result<std::vector<Job>> claim_many(std::string_view owner, std::int64_t now_ms, std::int64_t lease_ms,
                                      int max);

  Status extend_lease(std::int64_t id, std::string_view owner, std::int64_t until_ms);
  Status complete(std::int64_t id, std::string_view owner, std::int64_t now_ms);
  // Completes several jobs of one owner in one transaction; all or nothing.
  Status complete_many(std::span<const std::int64_t> ids, std::string_view owner, std::int64_t now_ms);
  // Counts an attempt: back to ready after a jittered exponential backoff, or dead once
  // attempts reach max_attempts.
  Status fail(std::int64_t id, std::string_view owner, std::string_view error, std::int64_t now_ms);
  // Back to ready at until_ms without counting an attempt (a provider's daily cap).
  Status park(std::int64_t id, std::string_view owner, std::int64_t until_ms, std::string_view reason);
  // Delays every ready job of a connection to at least until_ms.
  Status park_connection(std::string_view connection, std::int64_t until_ms);
  // Makes the connection's ready jobs due now: after a reconnect, jobs that backed off while its
  // credentials were refused need not wait out their backoff.
  Status wake_connection(std::string_view connection, std::int64_t now_ms);

  // Running jobs whose lease ended before now_ms go back to ready (due now), counting an
  // attempt (a job that crashes the daemon must not loop for ever). Returns how many.
  Result<int> recover_expired(std::int64_t now_ms);
  // The same for every running job, whatever its lease: for start-up, when the running jobs
  // can only belong to a process that died.
  Result<int> recover_all(std::int64_t now_ms);
  // Deletes done jobs finished before older_than_ms, a chunk per transaction, then gives the
  // freed pages back to the file system. Returns how many.
  Result<int> prune_done(std::int64_t older_than_ms);
  // Dead -> ready, due now, attempts reset.
  Status retry_dead(std::int64_t id, std::int64_t now_ms);
  Result<int> retry_all_dead(std::int64_t now_ms);

  Result<std::vector<Job>> list(const JobFilter& filter);
  Result<std::optional<Job>> get(std::int64_t id);
  Result<QueueCounts> counts(std::optional<std::string_view> connection = std::nullopt);
  // JobTimes of the connection's jobs whose kind is one of `kinds` (not empty).
  Result<JobTimes> times(std::string_view connection, std::span<const std::string_view> kinds);
  // When the earliest ready job not blocked by a running job of its record becomes due
  // (may be <= now_ms: claim now); nullopt when there is none. For the daemon's timer.
  Result<std::optional<std::int64_t>> next_run_after(std::int64_t now_ms);

  // The backoff fail() applies after the n-th failed attempt (n >= 1), jitter included.
  std::int64_t backoff_ms(int attempts);

 private:
  Result<std::int64_t> enqueue_one(const JobSpec& spec, std::int64_t now_ms);
  Result<std::optional<Job>> claim_one(std::string_view owner, std::int64_t now_ms, std::int64_t lease_ms);
  Status complete_one(std::int64_t id, std::string_view owner, std::int64_t now_ms);
  // Running job -> ready at run_after (merging into a ready duplicate) or dead.
  Status release(const Job& job, std::int64_t run_after_ms, int attempts, std::string_view error);
  Status make_dead(const Job& job, int attempts, std::string_view error, std::int64_t now_ms);
  Result<int> recover(std::string_view sql, std::int64_t now_ms);
  Status retry_one(const Job& job, std::int64_t now_ms);
  Result<Job> running_job(std::int64_t id, std::string_view owner, std::string_view action);

  store::Database& db_;
  QueueOptions options_;
  std::mt19937_64 rng_;
};

}  // namespace capsync::queue
