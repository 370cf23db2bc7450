// Several connections to one database file, as when capsyncctl and the daemon (or two
// workers) use the queue at once: dedupe and claims must hold across connections.

#include <catch2/catch.hpp>
#include <latch>
#include <map>
#include <set>
#include <mutex>
#include <thread>

#include "core/queue/job_queue.hpp"
#include "core/store/database.hpp"
#include "test/unit/store/temp_dir.hpp"

using capsync::queue::JobQueue;
using capsync::queue::JobSpec;
using capsync::store::Database;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

// Errors found on worker threads, reported on the test thread (Catch2 asserts are not thread-safe).
struct Problems {
  std::mutex mutex;
  std::vector<std::string> list;
  void add(std::string problem) {
    std::lock_guard lock(mutex);
    list.push_back(std::move(problem));
  }
};

}  // namespace

TEST_CASE("queue: concurrent enqueues from several connections leave one pending job per key") {
  capsync::test::TempDir dir;
  const std::string path = dir.file("capsync.db");
  REQUIRE(Database::open(path, {}).ok());  // create and migrate once

  constexpr int kThreads = 4, kKeys = 50, kPasses = 5;
  std::latch start(kThreads);
  Problems problems;
  std::mutex ids_mutex;
  std::map<std::string, std::set<std::int64_t>> ids_by_key;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto db = Database::open(path, {});
      if (!db) {
        problems.add(db.error().message());
        start.count_down();
        return;
      }
      JobQueue queue(**db);
      std::map<std::string, std::set<std::int64_t>> mine;
      start.arrive_and_wait();
      for (int pass = 0; pass < kPasses; ++pass) {
        for (int k = 0; k < kKeys; ++k) {
          // Threads walk the keys in different orders to collide in different places.
          const int key = (k * (t + 1) + pass) % kKeys;
          JobSpec spec{.kind = "push_party", .connection = "acme", .payload = fmt::format("{}", t),
                       .dedupe_key = fmt::format("party:{}", key)};
          auto id = queue.enqueue(spec, kNow);
          if (!id) problems.add(id.error().message());
          else mine[spec.dedupe_key].insert(*id);
        }
      }
      std::lock_guard lock(ids_mutex);
      for (auto& [key, ids] : mine) ids_by_key[key].insert(ids.begin(), ids.end());
    });
  }
  for (auto& thread : threads) thread.join();
  INFO((problems.list.empty() ? std::string() : problems.list.front()));
  REQUIRE(problems.list.empty());

  REQUIRE(ids_by_key.size() == kKeys);
  for (const auto& [key, ids] : ids_by_key) {
    INFO(key);
    CHECK(ids.size() == 1);  // every enqueue of a key got the same job
  }
  auto db = Database::open(path, {});
  REQUIRE(db.ok());
  JobQueue queue(**db);
  auto counts = queue.counts();
  REQUIRE(counts.ok());
  CHECK(counts->ready == kKeys);
}

TEST_CASE("queue: concurrent workers on several connections run every job exactly once") {
  capsync::test::TempDir dir;
  const std::string path = dir.file("capsync.db");
  constexpr int kJobs = 400, kWorkers = 3;
  {
    auto db = Database::open(path, {});
    REQUIRE(db.ok());
    REQUIRE((*db)->exec("CREATE TABLE completions (job_id INTEGER NOT NULL)"));
    JobQueue queue(**db);
    for (int i = 0; i < kJobs; ++i)
      REQUIRE(queue.enqueue({.kind = "k", .connection = "acme", .record_key = fmt::format("r{}", i % 7)}, kNow).ok());
  }

  std::latch start(kWorkers);
  Problems problems;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      auto db = Database::open(path, {});
      start.count_down();
      if (!db) return problems.add(db.error().message());
      JobQueue queue(**db);
      const std::string owner = fmt::format("worker-{}", w);
      start.wait();
      for (;;) {
        auto job = queue.claim(owner, kNow, 60'000);
        if (!job) return problems.add(job.error().message());
        if (!*job) {
          // Empty, or every ready job waits for a record another worker holds.
          auto counts = queue.counts();
          if (!counts) return problems.add(counts.error().message());
          if (counts->ready == 0) return;
          std::this_thread::yield();
          continue;
        }
        auto tx = (*db)->begin();
        if (!tx) return problems.add(tx.error().message());
        if (auto s = (*db)->exec(fmt::format("INSERT INTO completions VALUES ({})", (*job)->id)); !s)
          return problems.add(s.error().message());
        if (auto s = queue.complete((*job)->id, owner, kNow); !s) return problems.add(s.error().message());
        if (auto s = tx->commit(); !s) return problems.add(s.error().message());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  INFO((problems.list.empty() ? std::string() : problems.list.front()));
  REQUIRE(problems.list.empty());

  auto db = Database::open(path, {});
  REQUIRE(db.ok());
  auto st = (*db)->prepare(
      "SELECT (SELECT count(*) FROM completions), (SELECT count(DISTINCT job_id) FROM completions), "
      "(SELECT count(*) FROM jobs WHERE state = 'done')");
  REQUIRE(st.ok());
  REQUIRE(*st->step());
  CHECK(st->column_int64(0) == kJobs);
  CHECK(st->column_int64(1) == kJobs);
  CHECK(st->column_int64(2) == kJobs);
}
