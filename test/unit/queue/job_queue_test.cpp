#include "core/queue/job_queue.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <set>

#include <sqlite3.h>

#include "core/store/database.hpp"
#include "test/unit/store/database_test_access.hpp"
#include "test/unit/store/temp_dir.hpp"

using capsync::Errc;
using capsync::queue::Job;
using capsync::queue::JobFilter;
using capsync::queue::JobQueue;
using capsync::queue::JobSpec;
using capsync::queue::JobState;
using capsync::queue::QueueOptions;
using capsync::store::Database;
using capsync::store::DatabaseTestAccess;

namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000;  // a fixed "now"
constexpr std::int64_t kLease = 60'000;

std::int64_t freelist_pages(Database& db) {
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(DatabaseTestAccess::handle(db), "PRAGMA freelist_count", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  std::int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

struct Fixture {
  capsync::test::TempDir dir;
  std::unique_ptr<Database> db = open();
  JobQueue queue{*db, QueueOptions{.backoff_base_ms = 1'000, .backoff_cap_ms = 8'000, .seed = 42}};

  std::unique_ptr<Database> open() {
    auto opened = Database::open(dir.file("capsync.db"), {});
    INFO((opened ? std::string() : opened.error().message()));
    REQUIRE(opened.ok());
    return std::move(*opened);
  }

  std::int64_t add(JobSpec spec, std::int64_t now = kT0) {
    if (spec.kind.empty()) spec.kind = "push_party";
    if (spec.connection.empty()) spec.connection = "acme";
    auto id = queue.enqueue(spec, now);
    INFO((id ? std::string() : id.error().message()));
    REQUIRE(id.ok());
    return *id;
  }

  std::optional<Job> claim(std::string_view owner = "w1", std::int64_t now = kT0) {
    auto job = queue.claim(owner, now, kLease);
    INFO((job ? std::string() : job.error().message()));
    REQUIRE(job.ok());
    return *job;
  }

  Job get(std::int64_t id) {
    auto job = queue.get(id);
    REQUIRE(job.ok());
    REQUIRE(job->has_value());
    return **job;
  }
};

}  // namespace

TEST_CASE("queue: ready -> running -> done") {
  Fixture f;
  const std::int64_t id = f.add({.payload = R"({"party":1})", .record_key = "party:1"});
  Job ready = f.get(id);
  CHECK(ready.state == JobState::ready);
  CHECK(ready.attempts == 0);
  CHECK(ready.max_attempts == 8);
  CHECK(ready.created_at_ms == kT0);

  auto job = f.claim("w1", kT0 + 5);
  REQUIRE(job);
  CHECK(job->id == id);
  CHECK(job->state == JobState::running);
  CHECK(job->lease_owner == "w1");
  CHECK(job->lease_until_ms == kT0 + 5 + kLease);
  CHECK(job->payload == R"({"party":1})");
  CHECK_FALSE(f.claim("w2", kT0 + 6));  // nothing else to claim

  REQUIRE(f.queue.complete(id, "w1", kT0 + 10));
  Job done = f.get(id);
  CHECK(done.state == JobState::done);
  CHECK(done.finished_at_ms == kT0 + 10);
  auto counts = f.queue.counts();
  REQUIRE(counts.ok());
  CHECK(counts->done == 1);
  CHECK(counts->ready + counts->running + counts->dead == 0);
}

TEST_CASE("queue: a job keeps when its run started, so its lag from due to start can be measured") {
  Fixture f;
  const std::int64_t id = f.add({.run_after_ms = kT0 + 100});
  CHECK(f.get(id).started_at_ms == 0);
  auto job = f.claim("w1", kT0 + 130);
  REQUIRE(job);
  CHECK(job->started_at_ms == kT0 + 130);
  REQUIRE(f.queue.complete(id, "w1", kT0 + 900));
  const Job done = f.get(id);
  CHECK(done.started_at_ms - done.run_after_ms == 30);
}

TEST_CASE("queue: claim order is priority, then run_after, then id; future jobs wait") {
  Fixture f;
  const auto low = f.add({.priority = 0, .run_after_ms = kT0 - 100});
  const auto high_later = f.add({.priority = 5, .run_after_ms = kT0 - 10});
  const auto high_earlier = f.add({.priority = 5, .run_after_ms = kT0 - 50});
  const auto future = f.add({.priority = 9, .run_after_ms = kT0 + 1'000});
  CHECK(f.claim()->id == high_earlier);
  CHECK(f.claim()->id == high_later);
  CHECK(f.claim()->id == low);
  CHECK_FALSE(f.claim());
  CHECK(f.claim("w1", kT0 + 1'000)->id == future);
}

TEST_CASE("queue: claim is one statement over the partial index of ready jobs") {
  Fixture f;
  auto plan = f.db->prepare(
      "EXPLAIN QUERY PLAN SELECT j.id FROM jobs AS j WHERE j.state = 'ready' AND j.run_after <= 1 "
      "AND (j.record_key = '' OR NOT EXISTS (SELECT 1 FROM jobs AS r WHERE r.state = 'running' "
      "AND r.record_key = j.record_key)) ORDER BY j.priority DESC, j.run_after, j.id LIMIT 1");
  REQUIRE(plan.ok());
  std::string details;
  while (*plan->step()) details += std::string(plan->column_text(3)) + "\n";
  INFO(details);
  CHECK_THAT(details, Catch::Contains("USING INDEX jobs_ready"));
  CHECK_THAT(details, Catch::Contains("jobs_running"));
  CHECK_THAT(details, !Catch::Contains("TEMP B-TREE"));
}

// Status and the sd_notify STATUS line count each connection's jobs: with 1,000 connections and
// their done history, a scan of the whole table per connection made status take seconds.
TEST_CASE("queue: a connection's job counts and times read only that connection's rows, by index") {
  Fixture f;
  for (const char* sql : {"EXPLAIN QUERY PLAN SELECT state, count(*) FROM jobs WHERE connection = 'a' GROUP BY state",
                          "EXPLAIN QUERY PLAN SELECT min(CASE WHEN state = 'ready' THEN run_after END), "
                          "max(created_at), max(CASE WHEN state = 'done' THEN finished_at END) FROM jobs "
                          "WHERE connection = 'a' AND kind IN ('pull', 'full_reconcile')"}) {
    auto plan = f.db->prepare(sql);
    REQUIRE(plan.ok());
    std::string details;
    while (*plan->step()) details += std::string(plan->column_text(3)) + "\n";
    INFO(sql << "\n" << details);
    CHECK_THAT(details, Catch::Contains("INDEX jobs_connection"));
  }
}

TEST_CASE("queue: fail backs off exponentially with jitter, then goes dead at max_attempts") {
  Fixture f;
  const auto id = f.add({.max_attempts = 4});
  std::int64_t now = kT0;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto job = f.claim("w1", now);
    REQUIRE(job);
    REQUIRE(f.queue.fail(id, "w1", fmt::format("HTTP 503 #{}", attempt), now));
    Job after = f.get(id);
    CHECK(after.state == JobState::ready);
    CHECK(after.attempts == attempt);
    CHECK(after.last_error == fmt::format("HTTP 503 #{}", attempt));
    CHECK(after.lease_owner.empty());
    // Backoff after the n-th failure lies in [d/2, d] with d = 1 s * 2^(n-1).
    const std::int64_t d = 1'000 << (attempt - 1);
    const std::int64_t wait = after.run_after_ms - now;
    CHECK(wait >= d / 2);
    CHECK(wait <= d);
    CHECK_FALSE(f.claim("w1", after.run_after_ms - 1));
    now = after.run_after_ms;
  }
  REQUIRE(f.claim("w1", now));
  REQUIRE(f.queue.fail(id, "w1", "HTTP 503 #4", now));
  Job dead = f.get(id);
  CHECK(dead.state == JobState::dead);
  CHECK(dead.attempts == 4);
  CHECK(dead.finished_at_ms == now);
  CHECK(dead.last_error == "HTTP 503 #4");
  CHECK_FALSE(f.claim("w1", now + 10'000'000));
}

TEST_CASE("queue: a job that failed once and then succeeded is done without an error") {
  Fixture f;
  const auto id = f.add({});
  REQUIRE(f.claim("w1", kT0));
  REQUIRE(f.queue.fail(id, "w1", "HTTP 503", kT0));
  const std::int64_t retry_at = f.get(id).run_after_ms;
  REQUIRE(f.claim("w1", retry_at));
  REQUIRE(f.queue.complete(id, "w1", retry_at));
  Job done = f.get(id);
  CHECK(done.state == JobState::done);
  CHECK(done.attempts == 1);
  CHECK(done.last_error.empty());
}

TEST_CASE("queue: the default backoff retries a failed job within seconds") {
  capsync::test::TempDir dir;
  auto db = Database::open(dir.file("capsync.db"), {});
  REQUIRE(db.ok());
  JobQueue queue{**db};
  for (int i = 0; i < 20; ++i) {
    CHECK(queue.backoff_ms(1) >= 1'000);
    CHECK(queue.backoff_ms(1) <= 2'000);
    CHECK(queue.backoff_ms(3) <= 8'000);
  }
}

TEST_CASE("queue: backoff is capped and jitter varies") {
  Fixture f;
  std::set<std::int64_t> seen;
  for (int i = 0; i < 50; ++i) {
    const std::int64_t wait = f.queue.backoff_ms(30);
    CHECK(wait >= 4'000);
    CHECK(wait <= 8'000);
    seen.insert(wait);
  }
  CHECK(seen.size() > 10);
}

TEST_CASE("queue: a huge backoff saturates instead of wrapping into the past") {
  capsync::test::TempDir dir;
  auto db = Database::open(dir.file("capsync.db"), {});
  REQUIRE(db.ok());
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  JobQueue doubling{**db, QueueOptions{.backoff_base_ms = 1, .backoff_cap_ms = kMax, .seed = 5}};
  // 100 doublings of 1 ms would overflow long before the cap.
  CHECK(doubling.backoff_ms(100) >= kMax / 2);

  JobQueue queue{**db, QueueOptions{.backoff_base_ms = kMax, .backoff_cap_ms = kMax, .seed = 5}};
  auto id = queue.enqueue(JobSpec{.kind = "push_party", .connection = "acme"}, kT0);
  REQUIRE(id.ok());
  auto job = queue.claim("w1", kT0, kLease);
  REQUIRE(job.ok());
  REQUIRE(job->has_value());
  // A failure late in the clock's range: now + backoff is past its end.
  constexpr std::int64_t kLate = kMax - 1'000;
  REQUIRE(queue.fail(*id, "w1", "boom", kLate));
  auto failed = queue.get(*id);
  REQUIRE(failed.ok());
  REQUIRE(failed->has_value());
  CHECK((*failed)->run_after_ms == kMax);
  // Not due again: the retry is as far away as the clock goes, not wrapped into the past.
  auto again = queue.claim("w1", kLate + 500, kLease);
  REQUIRE(again.ok());
  CHECK_FALSE(again->has_value());
}

TEST_CASE("queue: dead jobs are retried one by one or all at once") {
  Fixture f;
  const auto a = f.add({.dedupe_key = "a", .max_attempts = 1});
  const auto b = f.add({.dedupe_key = "b", .max_attempts = 1});
  for (int i = 0; i < 2; ++i) {
    auto job = f.claim();
    REQUIRE(job);
    REQUIRE(f.queue.fail(job->id, "w1", "boom", kT0));
  }
  CHECK(f.get(a).state == JobState::dead);
  auto dead = f.queue.list(JobFilter{.state = JobState::dead});
  REQUIRE(dead.ok());
  CHECK(dead->size() == 2);

  auto not_dead = f.queue.retry_dead(12345, kT0);
  REQUIRE_FALSE(not_dead.ok());
  CHECK(not_dead.error().code() == Errc::not_found);

  REQUIRE(f.queue.retry_dead(a, kT0 + 100));
  Job retried = f.get(a);
  CHECK(retried.state == JobState::ready);
  CHECK(retried.attempts == 0);
  CHECK(retried.run_after_ms == kT0 + 100);
  auto again = f.queue.retry_dead(a, kT0 + 100);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code() == Errc::invalid_argument);

  auto all = f.queue.retry_all_dead(kT0 + 200);
  REQUIRE(all.ok());
  CHECK(*all == 1);
  CHECK(f.get(b).state == JobState::ready);
  CHECK(f.queue.counts()->ready == 2);
}

TEST_CASE("queue: retrying a dead job whose key is pending again merges into the pending job") {
  Fixture f;
  const auto first = f.add({.dedupe_key = "k", .max_attempts = 1});
  REQUIRE(f.claim());
  REQUIRE(f.queue.fail(first, "w1", "boom", kT0));
  const auto second = f.add({.dedupe_key = "k", .priority = 1, .run_after_ms = kT0 + 5'000});
  REQUIRE(second != first);
  REQUIRE(f.queue.retry_dead(first, kT0 + 10));
  auto gone = f.queue.get(first);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
  Job pending = f.get(second);
  CHECK(pending.run_after_ms == kT0 + 10);
  CHECK(pending.priority == 1);
}

TEST_CASE("queue: park returns a job to ready without counting an attempt") {
  Fixture f;
  const auto id = f.add({});
  REQUIRE(f.claim());
  REQUIRE(f.queue.park(id, "w1", kT0 + 86'400'000, "daily cap of xero reached"));
  Job parked = f.get(id);
  CHECK(parked.state == JobState::ready);
  CHECK(parked.attempts == 0);
  CHECK(parked.run_after_ms == kT0 + 86'400'000);
  CHECK(parked.last_error == "daily cap of xero reached");
  CHECK_FALSE(f.claim("w1", kT0 + 86'399'999));
  CHECK(f.claim("w1", kT0 + 86'400'000));
}

TEST_CASE("queue: park_connection delays only that connection's ready jobs") {
  Fixture f;
  const auto a1 = f.add({.connection = "acme", .run_after_ms = kT0});
  const auto a2 = f.add({.connection = "acme", .run_after_ms = kT0 + 999'999'999});
  const auto b = f.add({.connection = "bolt", .run_after_ms = kT0});
  const auto running = f.add({.connection = "acme", .priority = 10});
  REQUIRE(f.claim()->id == running);
  REQUIRE(f.queue.park_connection("acme", kT0 + 3'600'000));
  CHECK(f.get(a1).run_after_ms == kT0 + 3'600'000);
  CHECK(f.get(a2).run_after_ms == kT0 + 999'999'999);  // never pulled earlier
  CHECK(f.get(b).run_after_ms == kT0);
  CHECK(f.get(running).state == JobState::running);
  CHECK(f.claim()->id == b);
  CHECK_FALSE(f.claim());
}

TEST_CASE("queue: wake_connection makes only that connection's waiting jobs due now") {
  Fixture f;
  const auto backed_off = f.add({.connection = "acme", .run_after_ms = kT0 + 3'600'000});
  const auto due = f.add({.connection = "acme", .run_after_ms = kT0 - 5});
  const auto other = f.add({.connection = "bolt", .run_after_ms = kT0 + 3'600'000});
  REQUIRE(f.queue.wake_connection("acme", kT0));
  CHECK(f.get(backed_off).run_after_ms == kT0);
  CHECK(f.get(due).run_after_ms == kT0 - 5);  // never pushed later
  CHECK(f.get(other).run_after_ms == kT0 + 3'600'000);
}

TEST_CASE("queue: expired leases return to ready and count an attempt") {
  Fixture f;
  const auto id = f.add({.max_attempts = 2});
  REQUIRE(f.claim("w1", kT0));
  auto none = f.queue.recover_expired(kT0 + kLease - 1);
  REQUIRE(none.ok());
  CHECK(*none == 0);
  CHECK(f.get(id).state == JobState::running);

  auto recovered = f.queue.recover_expired(kT0 + kLease + 1);
  REQUIRE(recovered.ok());
  CHECK(*recovered == 1);
  Job ready = f.get(id);
  CHECK(ready.state == JobState::ready);
  CHECK(ready.attempts == 1);
  CHECK(ready.run_after_ms == kT0 + kLease + 1);
  CHECK_THAT(ready.last_error, Catch::Contains("lease of 'w1'"));

  // The worker that lost its lease can no longer finish the job.
  auto late = f.queue.complete(id, "w1", kT0 + kLease + 2);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code() == Errc::conflict);

  // A job that keeps losing its lease goes dead instead of looping.
  REQUIRE(f.claim("w2", kT0 + kLease + 2));
  REQUIRE(*f.queue.recover_all(kT0 + kLease + 3) == 1);
  CHECK(f.get(id).state == JobState::dead);
}

TEST_CASE("queue: lease owners are checked; a lost lease changes nothing") {
  Fixture f;
  const auto id = f.add({});
  REQUIRE(f.claim("w1"));
  for (auto status : {f.queue.complete(id, "w2", kT0), f.queue.fail(id, "w2", "x", kT0),
                      f.queue.park(id, "w2", kT0 + 1, "x"), f.queue.extend_lease(id, "w2", kT0 + 1)}) {
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code() == Errc::conflict);
    CHECK_THAT(status.error().message(), Catch::Contains("lease lost"));
  }
  Job job = f.get(id);
  CHECK(job.state == JobState::running);
  CHECK(job.lease_owner == "w1");
  CHECK(job.attempts == 0);
  CHECK(job.lease_until_ms == kT0 + kLease);

  REQUIRE(f.queue.extend_lease(id, "w1", kT0 + 10 * kLease));
  CHECK(f.get(id).lease_until_ms == kT0 + 10 * kLease);
  REQUIRE(*f.queue.recover_expired(kT0 + 2 * kLease) == 0);

  REQUIRE(f.queue.complete(id, "w1", kT0));
  auto twice = f.queue.complete(id, "w1", kT0);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code() == Errc::conflict);
  auto missing = f.queue.complete(999, "w1", kT0);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == Errc::not_found);
  CHECK(f.get(id).state == JobState::done);
}

TEST_CASE("queue: a pending job absorbs one with the same dedupe key") {
  Fixture f;
  const auto id = f.add({.payload = "first", .dedupe_key = "party:1", .priority = 1, .run_after_ms = kT0 + 500});
  CHECK(f.add({.payload = "second", .dedupe_key = "party:1", .priority = 0, .run_after_ms = kT0 + 100}) == id);
  CHECK(f.add({.payload = "third", .dedupe_key = "party:1", .priority = 3, .run_after_ms = kT0 + 900}) == id);
  Job job = f.get(id);
  CHECK(job.payload == "first");
  CHECK(job.priority == 3);
  CHECK(job.run_after_ms == kT0 + 100);

  // Other connections, and jobs without a key, are never absorbed.
  CHECK(f.add({.connection = "bolt", .dedupe_key = "party:1"}) != id);
  CHECK(f.add({}) != f.add({}));

  // A running job does not absorb new work: it may already have read the old state.
  REQUIRE(f.claim("w1", kT0 + 100)->id == id);
  const auto next = f.add({.dedupe_key = "party:1"});
  CHECK(next != id);
  // Once done, its key is free again.
  REQUIRE(f.queue.complete(id, "w1", kT0));
  CHECK(f.add({.dedupe_key = "party:1"}) == next);
}

TEST_CASE("queue: a failed job merges into the pending job that took its key") {
  Fixture f;
  const auto id = f.add({.dedupe_key = "k", .priority = 2});
  REQUIRE(f.claim());
  const auto pending = f.add({.dedupe_key = "k", .run_after_ms = kT0});
  REQUIRE(f.queue.fail(id, "w1", "HTTP 500", kT0));
  auto gone = f.queue.get(id);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
  Job merged = f.get(pending);
  CHECK(merged.state == JobState::ready);
  CHECK(merged.priority == 2);
  CHECK(merged.attempts == 1);
  CHECK(merged.last_error == "HTTP 500");
  CHECK(merged.run_after_ms >= kT0 + 500);  // the backoff still applies
  CHECK(f.queue.counts()->ready == 1);
}

TEST_CASE("queue: jobs for the same record never run at once") {
  Fixture f;
  const auto a1 = f.add({.record_key = "party:1", .priority = 2});
  const auto a2 = f.add({.record_key = "party:1", .priority = 1});
  const auto b = f.add({.record_key = "party:2"});
  const auto free = f.add({});
  CHECK(f.claim("w1")->id == a1);
  CHECK(f.claim("w2")->id == b);
  CHECK(f.claim("w3")->id == free);
  CHECK_FALSE(f.claim("w4"));  // a2 waits for a1
  auto next = f.queue.next_run_after(kT0);
  REQUIRE(next.ok());
  CHECK_FALSE(next->has_value());  // nothing claimable until a1 ends
  REQUIRE(f.queue.complete(a1, "w1", kT0));
  CHECK(f.claim("w4")->id == a2);

  // claim_many never leases two jobs of one record together.
  f.add({.record_key = "party:3"});
  f.add({.record_key = "party:3"});
  f.add({.record_key = "party:4"});
  auto many = f.queue.claim_many("w5", kT0, kLease, 10);
  REQUIRE(many.ok());
  CHECK(many->size() == 2);
}

TEST_CASE("queue: next_run_after tells the daemon when to wake") {
  Fixture f;
  auto none = f.queue.next_run_after(kT0);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  f.add({.run_after_ms = kT0 + 3'000});
  f.add({.run_after_ms = kT0 + 1'000});
  CHECK(f.queue.next_run_after(kT0).value() == kT0 + 1'000);
  CHECK(f.queue.next_run_after(kT0 + 2'000).value() == kT0 + 2'000);  // already due: now
}

TEST_CASE("queue: done jobs are pruned after retention; others stay") {
  Fixture f;
  const auto old_done = f.add({});
  const auto new_done = f.add({});
  const auto dead = f.add({.max_attempts = 1});
  const auto ready = f.add({.run_after_ms = kT0 + 1'000'000});
  REQUIRE(f.claim("w1")->id == old_done);
  REQUIRE(f.queue.complete(old_done, "w1", kT0 + 1));
  REQUIRE(f.claim("w1")->id == new_done);
  REQUIRE(f.queue.complete(new_done, "w1", kT0 + 100));
  REQUIRE(f.claim("w1")->id == dead);
  REQUIRE(f.queue.fail(dead, "w1", "boom", kT0 + 2));
  auto pruned = f.queue.prune_done(kT0 + 50);
  REQUIRE(pruned.ok());
  CHECK(*pruned == 1);
  CHECK_FALSE(f.queue.get(old_done)->has_value());
  CHECK(f.get(new_done).state == JobState::done);
  CHECK(f.get(dead).state == JobState::dead);
  CHECK(f.get(ready).state == JobState::ready);
}

TEST_CASE("queue: pruning goes through many chunks and stops at the retention line") {
  Fixture f;
  constexpr int kOld = 12'345;  // more than two chunks
  std::vector<JobSpec> specs(kOld + 10, JobSpec{.kind = "k", .connection = "acme"});
  REQUIRE(f.queue.enqueue_many(specs, kT0).ok());
  auto jobs = f.queue.claim_many("w1", kT0, kLease, kOld + 10);
  REQUIRE(jobs.ok());
  REQUIRE(jobs->size() == kOld + 10);
  std::vector<std::int64_t> old_ids, new_ids;
  for (const Job& job : *jobs) (old_ids.size() < kOld ? old_ids : new_ids).push_back(job.id);
  REQUIRE(f.queue.complete_many(old_ids, "w1", kT0));
  REQUIRE(f.queue.complete_many(new_ids, "w1", kT0 + 1'000));
  auto pruned = f.queue.prune_done(kT0 + 1);
  REQUIRE(pruned.ok());
  CHECK(*pruned == kOld);
  CHECK(f.queue.counts()->done == 10);
  CHECK(*f.queue.prune_done(kT0 + 1) == 0);
  // The freed pages go back to the file system, so the state file shrinks too.
  CHECK(freelist_pages(*f.db) == 0);
}

TEST_CASE("queue: list filters and pages; counts by connection") {
  Fixture f;
  for (int i = 0; i < 5; ++i) f.add({.kind = "pull_invoices", .connection = "acme"});
  for (int i = 0; i < 3; ++i) f.add({.kind = "push_party", .connection = "bolt"});
  auto page1 = f.queue.list({.connection = std::string("acme"), .limit = 3});
  REQUIRE(page1.ok());
  REQUIRE(page1->size() == 3);
  auto page2 = f.queue.list({.connection = std::string("acme"), .after_id = page1->back().id, .limit = 3});
  REQUIRE(page2.ok());
  CHECK(page2->size() == 2);
  auto kinds = f.queue.list({.kind = std::string("push_party")});
  REQUIRE(kinds.ok());
  CHECK(kinds->size() == 3);
  REQUIRE(f.claim());
  auto running = f.queue.list({.state = JobState::running});
  REQUIRE(running.ok());
  CHECK(running->size() == 1);
  auto acme = f.queue.counts("acme");
  REQUIRE(acme.ok());
  CHECK(acme->ready == 4);
  CHECK(acme->running == 1);
  CHECK(f.queue.counts("bolt")->ready == 3);
}

TEST_CASE("queue: complete inside the caller's transaction commits or rolls back with its effects") {
  Fixture f;
  REQUIRE(f.db->exec("CREATE TABLE effects (job INTEGER)"));
  const auto id = f.add({});
  REQUIRE(f.claim());
  {
    auto tx = f.db->begin();
    REQUIRE(tx.ok());
    REQUIRE(f.db->exec(fmt::format("INSERT INTO effects VALUES ({})", id)));
    REQUIRE(f.queue.complete(id, "w1", kT0));
  }  // rolled back: neither the effect nor the completion happened
  CHECK(f.get(id).state == JobState::running);
  {
    auto tx = f.db->begin();
    REQUIRE(tx.ok());
    REQUIRE(f.db->exec(fmt::format("INSERT INTO effects VALUES ({})", id)));
    REQUIRE(f.queue.complete(id, "w1", kT0));
    REQUIRE(tx->commit());
  }
  CHECK(f.get(id).state == JobState::done);
}

TEST_CASE("queue: batch calls enqueue, claim and complete in one transaction each") {
  Fixture f;
  std::vector<JobSpec> specs;
  for (int i = 0; i < 10; ++i) specs.push_back({.kind = "k", .connection = "acme", .dedupe_key = fmt::format("{}", i % 5)});
  auto ids = f.queue.enqueue_many(specs, kT0);
  REQUIRE(ids.ok());
  REQUIRE(ids->size() == 10);
  CHECK((*ids)[0] == (*ids)[5]);
  auto jobs = f.queue.claim_many("w1", kT0, kLease, 100);
  REQUIRE(jobs.ok());
  REQUIRE(jobs->size() == 5);
  std::vector<std::int64_t> done{jobs->at(0).id, jobs->at(1).id, 424242};
  auto partial = f.queue.complete_many(done, "w1", kT0);
  REQUIRE_FALSE(partial.ok());  // all or nothing
  CHECK(f.queue.counts()->done == 0);
  done.pop_back();
  REQUIRE(f.queue.complete_many(done, "w1", kT0));
  CHECK(f.queue.counts()->done == 2);
  auto bad = f.queue.enqueue({.kind = "", .connection = "acme"}, kT0);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == Errc::invalid_argument);
}

TEST_CASE("queue: times reads when a connection's jobs of some kinds are due, were created and last ended done") {
  Fixture f;
  const std::int64_t pull = f.add({.kind = "pull"}, kT0);
  REQUIRE(f.claim("w1", kT0 + 5)->id == pull);
  REQUIRE(f.queue.complete(pull, "w1", kT0 + 10));
  const std::int64_t failed = f.add({.kind = "pull", .max_attempts = 1}, kT0 + 30);
  REQUIRE(f.claim("w1", kT0 + 40)->id == failed);
  REQUIRE(f.queue.fail(failed, "w1", "refused", kT0 + 50));  // dead: not a successful sync
  f.add({.kind = "full_reconcile", .run_after_ms = kT0 + 500}, kT0 + 60);
  f.add({.kind = "push_party", .run_after_ms = kT0 + 1}, kT0 + 70);  // another kind
  f.add({.kind = "pull", .connection = "other", .run_after_ms = kT0 + 2}, kT0 + 80);  // another connection

  const std::string_view syncs[] = {"pull", "full_reconcile"};
  auto times = f.queue.times("acme", syncs);
  REQUIRE(times.ok());
  CHECK(times->next_ready == kT0 + 500);
  CHECK(times->last_created == kT0 + 60);
  CHECK(times->last_done == kT0 + 10);

  const std::string_view pulls[] = {"pull"};
  times = f.queue.times("acme", pulls);
  REQUIRE(times.ok());
  CHECK_FALSE(times->next_ready);
  CHECK(times->last_created == kT0 + 30);
  CHECK(times->last_done == kT0 + 10);

  const std::string_view none_yet[] = {"capsule_poll"};
  times = f.queue.times("acme", none_yet);
  REQUIRE(times.ok());
  CHECK_FALSE(times->next_ready);
  CHECK_FALSE(times->last_created);
  CHECK_FALSE(times->last_done);
}
