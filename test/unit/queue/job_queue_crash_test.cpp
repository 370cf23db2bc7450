// Crash safety: a child process works the queue and is killed with SIGKILL at random points,
// 100 times. After each kill the expired leases are recovered. No job may be lost, completed
// twice or left running. The child reports each committed step through a pipe; the kill
// comes after a random number of reports, so it lands anywhere in the following work.

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "core/queue/job_queue.hpp"
#include "core/store/database.hpp"
#include "test/unit/store/temp_dir.hpp"

using capsync::queue::JobQueue;
using capsync::queue::JobSpec;
using capsync::queue::JobState;
using capsync::queue::QueueOptions;
using capsync::store::Database;

namespace {

constexpr std::int64_t kRoundSpan = 1'000'000'000;  // each round's clock starts here * round
constexpr std::int64_t kLease = 1'000'000;
constexpr int kRounds = 100;

void report(int fd, char what, std::int64_t id, std::string_view key = "-") {
  const std::string line = fmt::format("{} {} {}\n", what, id, key);
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(4);
}

// Runs until killed: enqueue, claim, then complete (with its effect row, atomically), fail,
// or abandon the job (left running, as a crashed worker would).
[[noreturn]] void child_main(const std::string& path, int round, int fd) {
  auto db = Database::open(path, {});
  if (!db) ::_exit(3);
  JobQueue queue(**db, QueueOptions{.backoff_base_ms = 1, .backoff_cap_ms = 10,
                                    .seed = static_cast<std::uint64_t>(round) + 1});
  const std::string owner = fmt::format("child-{}", round);
  std::mt19937 rng(static_cast<unsigned>(round));
  std::int64_t now = round * kRoundSpan;
  for (std::int64_t op = 0;; ++op) {
    ++now;
    JobSpec spec{.kind = "push_party", .connection = "acme", .payload = fmt::format("{}:{}", round, op),
                 .dedupe_key = fmt::format("party:{}", rng() % 40), .record_key = fmt::format("r{}", rng() % 5),
                 .max_attempts = 1'000'000};
    auto id = queue.enqueue(spec, now);
    if (!id) ::_exit(5);
    report(fd, 'E', *id, spec.dedupe_key);

    auto job = queue.claim(owner, now, kLease);
    if (!job) ::_exit(6);
    if (!*job) continue;
    const unsigned choice = rng() % 8;
    if (choice == 0) continue;  // abandoned: recovered after the kill
    if (choice == 1) {
      if (!queue.fail((*job)->id, owner, "injected failure", now)) ::_exit(7);
      continue;
    }
    auto tx = (*db)->begin();
    if (!tx) ::_exit(8);
    if (!(*db)->exec(fmt::format("INSERT INTO completions VALUES ({})", (*job)->id))) ::_exit(9);
    if (!queue.complete((*job)->id, owner, now)) ::_exit(10);
    if (!tx->commit()) ::_exit(11);
    report(fd, 'C', (*job)->id);
  }
}

struct Reports {
  std::map<std::int64_t, std::string> enqueued;  // id -> dedupe key
  std::multiset<std::int64_t> completed;
};

// Reads "E id"/"C id" lines from the child until it has sent `kill_after`, kills it, then
// drains the rest. Returns false (with a reason) if the child died on its own or went quiet.
bool run_round(const std::string& path, int round, int kill_after, Reports& reports, std::string& why) {
  int fds[2];
  if (::pipe(fds) != 0) return why = "pipe failed", false;
  const pid_t pid = ::fork();
  if (pid < 0) return why = "fork failed", false;
  if (pid == 0) {
    ::close(fds[0]);
    child_main(path, round, fds[1]);
  }
  ::close(fds[1]);
  std::string pending;
  int lines = 0;
  bool killed = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  char buffer[4096];
  for (;;) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      why = "child went quiet";
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) continue;
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;  // EOF: the child is gone
    pending.append(buffer, static_cast<std::size_t>(n));
    std::size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      std::istringstream line(pending.substr(0, newline));
      pending.erase(0, newline + 1);
      char what = 0;
      std::int64_t id = 0;
      std::string key;
      line >> what >> id >> key;
      if (what == 'E') reports.enqueued[id] = key;
      else reports.completed.insert(id);
      if (++lines == kill_after && !killed) {
        ::kill(pid, SIGKILL);
        killed = true;
      }
    }
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!why.empty()) return false;
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
    why = fmt::format("child exited on its own (status {})", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return false;
  }
  return true;
}

std::int64_t count(Database& db, std::string_view sql) {
  auto st = db.prepare(sql);
  REQUIRE(st.ok());
  auto row = st->step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->column_int64(0);
}

}  // namespace

TEST_CASE("queue: SIGKILL at random points loses, duplicates and strands no job") {
  capsync::test::TempDir dir;
  const std::string path = dir.file("capsync.db");
  {
    auto db = Database::open(path, {});
    REQUIRE(db.ok());
    // Each completion's effect: a second row for one job would be a job run twice.
    REQUIRE((*db)->exec("CREATE TABLE completions (job_id INTEGER NOT NULL)"));
  }
  std::mt19937 rng(20240601);
  Reports reports;
  int recovered_total = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::string why;
    const int kill_after = 1 + static_cast<int>(rng() % 150);
    INFO("round " << round << ", kill after " << kill_after << " reports");
    REQUIRE(run_round(path, round, kill_after, reports, why));
    INFO(why);

    // The parent opens its own connection only while no child runs (SQLite and fork do not mix).
    auto db = Database::open(path, {});
    REQUIRE(db.ok());
    JobQueue queue(**db);
    auto recovered = queue.recover_expired((round + 1) * kRoundSpan - 1);
    REQUIRE(recovered.ok());
    recovered_total += *recovered;
    CHECK(count(**db, "SELECT count(*) FROM jobs WHERE state = 'running'") == 0);
  }

  auto db = Database::open(path, {});
  REQUIRE(db.ok());
  Database& d = **db;
  JobQueue queue(d);
  INFO("recovered " << recovered_total << " abandoned or interrupted jobs");
  CHECK(recovered_total > 0);
  CHECK(reports.completed.size() > 1000);

  // Completed exactly once, and only done jobs have a completion.
  CHECK(count(d, "SELECT count(*) FROM (SELECT job_id FROM completions GROUP BY job_id HAVING count(*) > 1)") == 0);
  CHECK(count(d, "SELECT count(*) FROM completions c LEFT JOIN jobs j ON j.id = c.job_id "
                 "WHERE j.state IS NOT 'done'") == 0);
  CHECK(count(d, "SELECT count(*) FROM jobs WHERE state = 'done' AND id NOT IN (SELECT job_id FROM completions)") ==
        0);
  CHECK(count(d, "SELECT count(*) FROM jobs WHERE state NOT IN ('done', 'ready')") == 0);
  for (std::int64_t id : reports.completed) {
    auto job = queue.get(id);
    REQUIRE(job.ok());
    REQUIRE(job->has_value());
    CHECK((*job)->state == JobState::done);
  }
  CHECK(std::set<std::int64_t>(reports.completed.begin(), reports.completed.end()).size() ==
        reports.completed.size());

  // Nothing reported as enqueued is lost: the job is there, or it merged into a later job with
  // its dedupe key (a retry that found the key pending again).
  int merged = 0;
  for (const auto& [id, key] : reports.enqueued) {
    auto job = queue.get(id);
    REQUIRE(job.ok());
    if (job->has_value()) continue;
    ++merged;
    INFO("job " << id << " (" << key << ") is missing");
    CHECK(count(d, fmt::format("SELECT count(*) FROM jobs WHERE id > {} AND dedupe_key = '{}'", id, key)) > 0);
  }
  INFO(reports.enqueued.size() << " jobs reported enqueued, " << merged << " merged into a later one");

  // Drain: every remaining job can still be claimed and completed.
  const std::int64_t later = (kRounds + 1) * kRoundSpan;
  for (;;) {
    auto job = queue.claim("drain", later, kLease);
    REQUIRE(job.ok());
    if (!*job) break;
    auto tx = d.begin();
    REQUIRE(tx.ok());
    REQUIRE(d.exec(fmt::format("INSERT INTO completions VALUES ({})", (*job)->id)));
    REQUIRE(queue.complete((*job)->id, "drain", later));
    REQUIRE(tx->commit());
  }
  CHECK(count(d, "SELECT count(*) FROM jobs WHERE state <> 'done'") == 0);
  CHECK(count(d, "SELECT count(*) FROM jobs") == count(d, "SELECT count(DISTINCT job_id) FROM completions"));
  CHECK(count(d, "SELECT count(*) FROM completions") == count(d, "SELECT count(DISTINCT job_id) FROM completions"));
}
