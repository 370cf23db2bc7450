#include "core/queue/job_queue.hpp"

#include <algorithm>
#include <limits>

#include "core/queue/saturating.hpp"
#include "core/store/database.hpp"

namespace capsync::queue {
namespace {

using store::Database;
using store::Statement;

#define CAPSYNC_JOB_COLUMNS                                                                          \
  "id, kind, connection, payload, dedupe_key, record_key, priority, attempts, max_attempts, state, " \
  "run_after, lease_until, lease_owner, last_error, created_at, finished_at, started_at"

constexpr std::string_view kSelectJob = "SELECT " CAPSYNC_JOB_COLUMNS " FROM jobs WHERE id = ?1";

// The claim: one statement over the partial index of ready jobs. Jobs whose record has a running
// job are skipped (the NOT EXISTS probes the partial index of running jobs by record).
constexpr std::string_view kClaim =
    "UPDATE jobs SET state = 'running', lease_owner = ?1, lease_until = ?2 + ?3, started_at = ?2 "
    "WHERE id = (SELECT j.id FROM jobs AS j "
    "  WHERE j.state = 'ready' AND j.run_after <= ?2 "
    "    AND (j.record_key = '' OR NOT EXISTS "
    "      (SELECT 1 FROM jobs AS r WHERE r.state = 'running' AND r.record_key = j.record_key)) "
    "  ORDER BY j.priority DESC, j.run_after, j.id LIMIT 1) "
    "RETURNING " CAPSYNC_JOB_COLUMNS;

std::optional<JobState> parse_state(std::string_view text) {
  if (text == "ready") return JobState::ready;
  if (text == "running") return JobState::running;
  if (text == "done") return JobState::done;
  if (text == "dead") return JobState::dead;
  return std::nullopt;
}

Job read_job(const Statement& st) {
  Job job;
  job.id = st.column_int64(0);
  job.kind = st.column_text(1);
  job.connection = st.column_text(2);
  job.payload = st.column_text(3);
  job.dedupe_key = st.column_text(4);
  job.record_key = st.column_text(5);
  job.priority = static_cast<int>(st.column_int64(6));
  job.attempts = static_cast<int>(st.column_int64(7));
  job.max_attempts = static_cast<int>(st.column_int64(8));
  job.state = parse_state(st.column_text(9)).value_or(JobState::dead);
  job.run_after_ms = st.column_int64(10);
  job.lease_until_ms = st.column_int64(11);
  job.lease_owner = st.column_text(12);
  job.last_error = st.column_text(13);
  job.created_at_ms = st.column_int64(14);
  job.finished_at_ms = st.column_int64(15);
  job.started_at_ms = st.column_int64(16);
  return job;
}

// Steps a statement that returns at most one job to its end (an autocommit write commits at
// the end, and its errors show there).
Result<std::optional<Job>> one_job(Statement& st) {
  auto row = st.step();
  if (!row) return row.error();
  if (!*row) return std::optional<Job>();
  Job job = read_job(st);
  auto end = st.step();
  if (!end) return end.error();
  return std::optional<Job>(std::move(job));
}

Result<std::optional<Job>> load(Database& db, std::int64_t id) {
  auto st = db.cached(kSelectJob);
  if (!st) return st.error();
  (*st)->bind(1, id);
  return one_job(**st);
}

Status run(Database& db, std::string_view sql, auto&&... args) {
  auto st = db.cached(sql);
  if (!st) return st.error();
  int index = 0;
  ((*st)->bind(++index, args), ...);
  return (*st)->run();
}

}  // namespace

JobQueue::JobQueue(store::Database& db, QueueOptions options)
    : db_(db), options_(options), rng_(options.seed != 0 ? options.seed : std::random_device{}()) {}

std::int64_t JobQueue::backoff_ms(int attempts) {
  std::int64_t delay = std::max<std::int64_t>(options_.backoff_base_ms, 1);
  // Doubling stops at the cap, so it can never overflow whatever the cap is.
  for (int i = 1; i < attempts && delay < options_.backoff_cap_ms; ++i)
    delay = delay > options_.backoff_cap_ms / 2 ? options_.backoff_cap_ms : delay * 2;
  delay = std::min(delay, options_.backoff_cap_ms);
  std::uniform_int_distribution<std::int64_t> jitter(0, delay / 2);
  return delay - delay / 2 + jitter(rng_);
}

// --- enqueue -------------------------------------------------------------------------------

Result<std::int64_t> JobQueue::enqueue_one(const JobSpec& spec, std::int64_t now_ms) {
  if (spec.kind.empty() || spec.connection.empty())
    return make_error(Errc::invalid_argument, "Failed to enqueue job: kind and connection are required");
  if (spec.max_attempts < 1)
    return make_error(Errc::invalid_argument, "Failed to enqueue {} job: max_attempts must be at least 1", spec.kind);
  auto st = db_.cached(
      "INSERT INTO jobs (kind, connection, payload, dedupe_key, record_key, priority, max_attempts, run_after, "
      "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT (connection, dedupe_key) WHERE state = 'ready' AND dedupe_key <> '' DO UPDATE SET "
      "priority = max(priority, excluded.priority), run_after = min(run_after, excluded.run_after), "
      "max_attempts = max(max_attempts, excluded.max_attempts) "
      "RETURNING id");
  if (!st) return st.error();
  (*st)->bind(1, spec.kind).bind(2, spec.connection).bind(3, spec.payload).bind(4, spec.dedupe_key);
  (*st)->bind(5, spec.record_key).bind(6, spec.priority).bind(7, spec.max_attempts);
  (*st)->bind(8, spec.run_after_ms).bind(9, now_ms);
  auto row = (*st)->step();
  if (!row) return row.error().with_context(fmt::format("Failed to enqueue {} job", spec.kind));
  std::int64_t id = (*st)->column_int64(0);
  auto end = (*st)->step();
  if (!end) return end.error().with_context(fmt::format("Failed to enqueue {} job", spec.kind));
  return id;
}

Result<std::int64_t> JobQueue::enqueue(const JobSpec& spec, std::int64_t now_ms) {
  return enqueue_one(spec, now_ms);
}

Result<std::vector<std::int64_t>> JobQueue::enqueue_many(std::span<const JobSpec> specs, std::int64_t now_ms) {
  auto tx = db_.begin();
  if (!tx) return tx.error();
  std::vector<std::int64_t> ids;
  ids.reserve(specs.size());
  for (const JobSpec& spec : specs) {
    auto id = enqueue_one(spec, now_ms);
    if (!id) return id.error();
    ids.push_back(*id);
  }
  if (auto s = tx->commit(); !s) return s.error();
  return ids;
}

// --- claim ---------------------------------------------------------------------------------

Result<std::optional<Job>> JobQueue::claim_one(std::string_view owner, std::int64_t now_ms, std::int64_t lease_ms) {
  // A store that reported corruption or an I/O error hands out no more work.
  if (db_.fatal_error()) return db_.fatal_error()->with_context("Failed to claim a job");
  auto st = db_.cached(kClaim);
  if (!st) return st.error();
  (*st)->bind(1, owner).bind(2, now_ms).bind(3, lease_ms);
  auto job = one_job(**st);
  if (!job) return job.error().with_context("Failed to claim a job");
  return job;
}

Result<std::optional<Job>> JobQueue::claim(std::string_view owner, std::int64_t now_ms, std::int64_t lease_ms) {
  if (owner.empty()) return make_error(Errc::invalid_argument, "Failed to claim a job: owner is required");
  return claim_one(owner, now_ms, lease_ms);
}

Result<std::vector<Job>> JobQueue::claim_many(std::string_view owner, std::int64_t now_ms, std::int64_t lease_ms,
                                              int max) {
  if (owner.empty()) return make_error(Errc::invalid_argument, "Failed to claim jobs: owner is required");
  auto tx = db_.begin();
  if (!tx) return tx.error();
  std::vector<Job> jobs;
  while (static_cast<int>(jobs.size()) < max) {
    auto job = claim_one(owner, now_ms, lease_ms);
    if (!job) return job.error();
    if (!*job) break;
    jobs.push_back(std::move(**job));
  }
  if (auto s = tx->commit(); !s) return s.error();
  return jobs;
}

// --- running jobs --------------------------------------------------------------------------

Result<Job> JobQueue::running_job(std::int64_t id, std::string_view owner, std::string_view action) {
  auto job = load(db_, id);
  if (!job) return job.error();
  if (!*job) return make_error(Errc::not_found, "Failed to {} job {}: no such job", action, id);
  if ((*job)->state != JobState::running || (*job)->lease_owner != owner) {
    return make_error(Errc::conflict, "Failed to {} job {}: lease lost (job is {}, leased to '{}', not '{}')",
                      action, id, to_string((*job)->state), (*job)->lease_owner, owner);
  }
  return std::move(**job);
}

Status JobQueue::extend_lease(std::int64_t id, std::string_view owner, std::int64_t until_ms) {
  auto s = run(db_, "UPDATE jobs SET lease_until = ?3 WHERE id = ?1 AND state = 'running' AND lease_owner = ?2",
               id, owner, until_ms);
  if (!s) return s;
  if (db_.changes() == 0) {
    auto job = running_job(id, owner, "extend the lease of");
    if (!job) return job.error();
  }
  return {};
}

Status JobQueue::complete_one(std::int64_t id, std::string_view owner, std::int64_t now_ms) {
  auto s = run(db_,
               "UPDATE jobs SET state = 'done', lease_until = 0, finished_at = ?3, last_error = '' "
               "WHERE id = ?1 AND state = 'running' AND lease_owner = ?2",
               id, owner, now_ms);
  if (!s) return s.error().with_context(fmt::format("Failed to complete job {}", id));
  if (db_.changes() == 0) {
    auto job = running_job(id, owner, "complete");
    if (!job) return job.error();
  }
  return {};
}

Status JobQueue::complete(std::int64_t id, std::string_view owner, std::int64_t now_ms) {
  return complete_one(id, owner, now_ms);
}

Status JobQueue::complete_many(std::span<const std::int64_t> ids, std::string_view owner, std::int64_t now_ms) {
  auto tx = db_.begin();
  if (!tx) return tx.error();
  for (std::int64_t id : ids) {
    if (auto s = complete_one(id, owner, now_ms); !s) return s;
  }
  return tx->commit();
}

Status JobQueue::make_dead(const Job& job, int attempts, std::string_view error, std::int64_t now_ms) {
  return run(db_,
             "UPDATE jobs SET state = 'dead', attempts = ?2, last_error = ?3, lease_until = 0, finished_at = ?4 "
             "WHERE id = ?1",
             job.id, attempts, error, now_ms);
}

Status JobQueue::release(const Job& job, std::int64_t run_after_ms, int attempts, std::string_view error) {
  if (!job.dedupe_key.empty()) {
    // A ready job took this key while the job ran: merge into it rather than break uniqueness.
    auto st = db_.cached("SELECT id FROM jobs WHERE connection = ?1 AND dedupe_key = ?2 AND state = 'ready'");
    if (!st) return st.error();
    (*st)->bind(1, job.connection).bind(2, job.dedupe_key);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (*row) {
      std::int64_t other = (*st)->column_int64(0);
      (*st)->reset();
      auto s = run(db_,
                   "UPDATE jobs SET priority = max(priority, ?2), run_after = max(run_after, ?3), "
                   "attempts = max(attempts, ?4), max_attempts = max(max_attempts, ?5), last_error = ?6 "
                   "WHERE id = ?1",
                   other, job.priority, run_after_ms, attempts, job.max_attempts, error);
      if (!s) return s;
      return run(db_, "DELETE FROM jobs WHERE id = ?1", job.id);
    }
  }
  return run(db_,
             "UPDATE jobs SET state = 'ready', run_after = ?2, attempts = ?3, last_error = ?4, lease_owner = '', "
             "lease_until = 0, finished_at = 0 WHERE id = ?1",
             job.id, run_after_ms, attempts, error);
}

Status JobQueue::fail(std::int64_t id, std::string_view owner, std::string_view error, std::int64_t now_ms) {
  auto tx = db_.begin();
  if (!tx) return tx.error();
  auto job = running_job(id, owner, "fail");
  if (!job) return job.error();
  const int attempts = job->attempts + 1;
  Status s = attempts >= job->max_attempts ? make_dead(*job, attempts, error, now_ms)
                                           : release(*job, saturating_add(now_ms, backoff_ms(attempts)), attempts, error);
  if (!s) return s.error().with_context(fmt::format("Failed to fail job {}", id));
  return tx->commit();
}

Status JobQueue::park(std::int64_t id, std::string_view owner, std::int64_t until_ms, std::string_view reason) {
  auto tx = db_.begin();
  if (!tx) return tx.error();
  auto job = running_job(id, owner, "park");
  if (!job) return job.error();
  if (auto s = release(*job, until_ms, job->attempts, reason); !s)
    return s.error().with_context(fmt::format("Failed to park job {}", id));
  return tx->commit();
}

Status JobQueue::park_connection(std::string_view connection, std::int64_t until_ms) {
  auto s = run(db_, "UPDATE jobs SET run_after = ?2 WHERE connection = ?1 AND state = 'ready' AND run_after < ?2",
               connection, until_ms);
  if (!s) return s.error().with_context(fmt::format("Failed to park the jobs of connection {}", connection));
  return {};
}

Status JobQueue::wake_connection(std::string_view connection, std::int64_t now_ms) {
  auto s = run(db_, "UPDATE jobs SET run_after = ?2 WHERE connection = ?1 AND state = 'ready' AND run_after > ?2",
               connection, now_ms);
  if (!s) return s.error().with_context(fmt::format("Failed to wake the jobs of connection {}", connection));
  return {};
}

// --- recovery and retention ----------------------------------------------------------------

Result<int> JobQueue::recover(std::string_view sql, std::int64_t now_ms) {
  auto tx = db_.begin();
  if (!tx) return tx.error();
  std::vector<Job> expired;
  {
    auto st = db_.cached(sql);
    if (!st) return st.error();
    (*st)->bind(1, now_ms);
    for (;;) {
      auto row = (*st)->step();
      if (!row) return row.error();
      if (!*row) break;
      expired.push_back(read_job(**st));
    }
  }
  for (const Job& job : expired) {
    const int attempts = job.attempts + 1;
    std::string error = fmt::format("lease of '{}' ended at {} before the job finished (worker crashed or stalled)",
                                    job.lease_owner, job.lease_until_ms);
    Status s = attempts >= job.max_attempts ? make_dead(job, attempts, error, now_ms)
                                            : release(job, now_ms, attempts, error);
    if (!s) return s.error().with_context(fmt::format("Failed to recover job {}", job.id));
  }
  if (auto s = tx->commit(); !s) return s.error();
  return static_cast<int>(expired.size());
}

Result<int> JobQueue::recover_expired(std::int64_t now_ms) {
  return recover("SELECT " CAPSYNC_JOB_COLUMNS
                 " FROM jobs INDEXED BY jobs_running WHERE state = 'running' AND lease_until < ?1",
                 now_ms);
}

Result<int> JobQueue::recover_all(std::int64_t now_ms) {
  return recover("SELECT " CAPSYNC_JOB_COLUMNS
                 " FROM jobs INDEXED BY jobs_running WHERE state = 'running' AND ?1 IS NOT NULL",
                 now_ms);
}

Result<int> JobQueue::prune_done(std::int64_t older_than_ms) {
  // Chunks of a few thousand rows, one transaction each, walking up the ids: other writers
  // (workers completing jobs) wait for one chunk at most, never for the whole prune.
  constexpr int kChunk = 5'000;
  int pruned = 0;
  for (std::int64_t after = 0;;) {
    auto tx = db_.begin();
    if (!tx) return tx.error().with_context("Failed to prune done jobs");
    auto st = db_.cached(
        "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE id > ?1 AND state = 'done' AND finished_at < ?2 "
        "ORDER BY id LIMIT ?3) RETURNING id");
    if (!st) return st.error();
    (*st)->bind(1, after).bind(2, older_than_ms).bind(3, kChunk);
    int deleted = 0;
    for (;;) {
      auto row = (*st)->step();
      if (!row) return row.error().with_context("Failed to prune done jobs");
      if (!*row) break;
      after = std::max(after, (*st)->column_int64(0));
      ++deleted;
    }
    if (auto c = tx->commit(); !c) return c.error().with_context("Failed to prune done jobs");
    pruned += deleted;
    if (deleted < kChunk) break;
  }
  // Without this the state file only ever grows: deleted rows leave free pages inside it.
  if (pruned > 0)
    if (auto s = db_.reclaim_space(); !s) return s.error().with_context("Failed to reclaim the space of pruned jobs");
  return pruned;
}

Status JobQueue::retry_one(const Job& job, std::int64_t now_ms) {
  if (!job.dedupe_key.empty()) {
    auto st = db_.cached("SELECT id FROM jobs WHERE connection = ?1 AND dedupe_key = ?2 AND state = 'ready'");
    if (!st) return st.error();
    (*st)->bind(1, job.connection).bind(2, job.dedupe_key);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (*row) {
      // The pending job already covers this work; it runs now.
      std::int64_t other = (*st)->column_int64(0);
      (*st)->reset();
      auto s = run(db_, "UPDATE jobs SET priority = max(priority, ?2), run_after = min(run_after, ?3) WHERE id = ?1",
                   other, job.priority, now_ms);
      if (!s) return s;
      return run(db_, "DELETE FROM jobs WHERE id = ?1", job.id);
    }
  }
  return run(db_,
             "UPDATE jobs SET state = 'ready', attempts = 0, run_after = ?2, lease_owner = '', lease_until = 0, "
             "finished_at = 0 WHERE id = ?1",
             job.id, now_ms);
}

Status JobQueue::retry_dead(std::int64_t id, std::int64_t now_ms) {
  auto tx = db_.begin();
  if (!tx) return tx.error();
  auto job = load(db_, id);
  if (!job) return job.error();
  if (!*job) return make_error(Errc::not_found, "Failed to retry job {}: no such job", id);
  if ((*job)->state != JobState::dead)
    return make_error(Errc::invalid_argument, "Failed to retry job {}: it is {}, not dead", id,
                      to_string((*job)->state));
  if (auto s = retry_one(**job, now_ms); !s) return s.error().with_context(fmt::format("Failed to retry job {}", id));
  return tx->commit();
}

Result<int> JobQueue::retry_all_dead(std::int64_t now_ms) {
  auto tx = db_.begin();
  if (!tx) return tx.error();
  std::vector<Job> dead;
  {
    auto st = db_.cached("SELECT " CAPSYNC_JOB_COLUMNS " FROM jobs WHERE state = 'dead' ORDER BY id");
    if (!st) return st.error();
    for (;;) {
      auto row = (*st)->step();
      if (!row) return row.error();
      if (!*row) break;
      dead.push_back(read_job(**st));
    }
  }
  for (const Job& job : dead) {
    if (auto s = retry_one(job, now_ms); !s) return s.error().with_context(fmt::format("Failed to retry job {}", job.id));
  }
  if (auto s = tx->commit(); !s) return s.error();
  return static_cast<int>(dead.size());
}

// --- inspection ----------------------------------------------------------------------------

Result<std::optional<Job>> JobQueue::get(std::int64_t id) { return load(db_, id); }

Result<std::vector<Job>> JobQueue::list(const JobFilter& filter) {
  // Only the conditions in use, so the partial indexes (ready, running, dead) can serve them.
  std::string sql = "SELECT " CAPSYNC_JOB_COLUMNS " FROM jobs WHERE id > ?1";
  if (filter.state) sql += fmt::format(" AND state = '{}'", to_string(*filter.state));
  if (filter.connection) sql += " AND connection = ?2";
  if (filter.kind) sql += " AND kind = ?3";
  sql += " ORDER BY id LIMIT ?4";
  auto st = db_.cached(sql);
  if (!st) return st.error();
  (*st)->bind(1, filter.after_id).bind(4, filter.limit);
  if (filter.connection) (*st)->bind(2, *filter.connection);
  if (filter.kind) (*st)->bind(3, *filter.kind);
  std::vector<Job> jobs;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error().with_context("Failed to list jobs");
    if (!*row) break;
    jobs.push_back(read_job(**st));
  }
  return jobs;
}

Result<QueueCounts> JobQueue::counts(std::optional<std::string_view> connection) {
  auto st = db_.cached(connection ? "SELECT state, count(*) FROM jobs WHERE connection = ?1 GROUP BY state"
                                  : "SELECT state, count(*) FROM jobs GROUP BY state");
  if (!st) return st.error();
  if (connection) (*st)->bind(1, *connection);
  QueueCounts counts;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error().with_context("Failed to count jobs");
    if (!*row) break;
    std::int64_t n = (*st)->column_int64(1);
    switch (parse_state((*st)->column_text(0)).value_or(JobState::dead)) {
      case JobState::ready: counts.ready = n; break;
      case JobState::running: counts.running = n; break;
      case JobState::done: counts.done = n; break;
      case JobState::dead: counts.dead = n; break;
    }
  }
  return counts;
}

Result<JobTimes> JobQueue::times(std::string_view connection, std::span<const std::string_view> kinds) {
  std::string sql =
      "SELECT min(CASE WHEN state = 'ready' THEN run_after END), max(created_at), "
      "max(CASE WHEN state = 'done' THEN finished_at END) FROM jobs WHERE connection = ?1 AND kind IN (";
  for (std::size_t i = 0; i < kinds.size(); ++i) sql += (i ? ", ?" : "?") + std::to_string(i + 2);
  sql += ")";
  auto st = db_.cached(sql);
  if (!st) return st.error();
  (*st)->bind(1, connection);
  for (std::size_t i = 0; i < kinds.size(); ++i) (*st)->bind(static_cast<int>(i + 2), kinds[i]);
  auto row = (*st)->step();
  if (!row) return row.error().with_context("Failed to read when jobs ran");
  const auto column = [&](int c) {
    return (*st)->column_is_null(c) ? std::nullopt : std::optional<std::int64_t>((*st)->column_int64(c));
  };
  return JobTimes{column(0), column(1), column(2)};
}

Result<std::optional<std::int64_t>> JobQueue::next_run_after(std::int64_t now_ms) {
  auto st = db_.cached(
      "SELECT min(j.run_after) FROM jobs AS j WHERE j.state = 'ready' AND (j.record_key = '' OR NOT EXISTS "
      "(SELECT 1 FROM jobs AS r WHERE r.state = 'running' AND r.record_key = j.record_key))");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error().with_context("Failed to find the next due job");
  if (!*row || (*st)->column_is_null(0)) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(std::max((*st)->column_int64(0), now_ms));
}

}  // namespace capsync::queue
