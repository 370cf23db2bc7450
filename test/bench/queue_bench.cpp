// queue_bench: throughput and claim latency of the durable job queue on one file database
// with the daemon's default durability (WAL, synchronous=NORMAL).
//
//   queue_bench [--jobs N] [--per-call N] [--batch B] [--dir DIR]
//
// Figures: jobs/s for the enqueue -> claim -> complete cycle, one transaction per call and
// batched; claim latency (p50/p99 of single claim() calls) with 10k done jobs in the table
// and again with N done, as a ratio (flat is the goal); database size around prune_done.

#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/queue/job_queue.hpp"
#include "core/store/database.hpp"

using capsync::queue::JobQueue;
using capsync::queue::JobSpec;
using capsync::store::Database;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::int64_t jobs = 1'000'000;
  std::int64_t per_call = 100'000;  // jobs run with one transaction per call
  int batch = 200;
  std::string dir;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "queue_bench: %s\n", message.c_str());
  std::exit(1);
}

template <typename T>
T check(capsync::Result<T> result, std::string_view what) {
  if (!result) die(fmt::format("Failed to {}: {}", what, result.error().message()));
  return std::move(result.value());
}

void check(const capsync::Status& status, std::string_view what) {
  if (!status) die(fmt::format("Failed to {}: {}", what, status.error().message()));
}

Args parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(fmt::format("{} needs a value", arg));
      return argv[++i];
    };
    if (arg == "--jobs") args.jobs = std::stoll(value());
    else if (arg == "--per-call") args.per_call = std::stoll(value());
    else if (arg == "--batch") args.batch = std::stoi(value());
    else if (arg == "--dir") args.dir = value();
    else if (arg == "--help" || arg == "-h") {
      std::puts("usage: queue_bench [--jobs N (1000000)] [--per-call N (100000)] [--batch B (200)] [--dir DIR]");
      std::exit(0);
    } else {
      die(fmt::format("unknown option {}", arg));
    }
  }
  if (args.jobs < 20'000) die("--jobs must be at least 20000 (the latency baseline needs 10000 done jobs)");
  args.per_call = std::min(args.per_call, args.jobs / 2);
  return args;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

JobSpec spec_for(std::int64_t n) {
  return JobSpec{.kind = "push_party", .connection = "acme",
                 .payload = fmt::format(R"({{"party":{},"fields":["name","email"]}})", n),
                 .dedupe_key = fmt::format("push:party:{}", n), .record_key = fmt::format("party:{}", n)};
}

struct Bench {
  Database& db;
  JobQueue queue;
  std::int64_t next = 0;  // jobs enqueued so far; also the fake clock in ms
  int batch;

  // One transaction per call: enqueue, claim (the single UPDATE … RETURNING), complete.
  void cycle_per_call(std::int64_t count) {
    for (std::int64_t i = 0; i < count; ++i, ++next) {
      check(queue.enqueue(spec_for(next), next), "enqueue");
      auto job = check(queue.claim("bench", next, 60'000), "claim");
      if (!job) die("claim found nothing");
      check(queue.complete(job->id, "bench", next), "complete");
    }
  }

  // Batches of `batch` jobs: enqueue_many, claim_many and complete_many, one transaction each.
  void cycle_batched(std::int64_t count) {
    std::vector<JobSpec> specs;
    std::vector<std::int64_t> ids;
    for (std::int64_t done = 0; done < count;) {
      const std::int64_t n = std::min<std::int64_t>(batch, count - done);
      specs.clear();
      for (std::int64_t i = 0; i < n; ++i) specs.push_back(spec_for(next + i));
      check(queue.enqueue_many(specs, next), "enqueue jobs");
      auto jobs = check(queue.claim_many("bench", next, 60'000, static_cast<int>(n)), "claim jobs");
      if (static_cast<std::int64_t>(jobs.size()) != n) die("claim_many came back short");
      ids.clear();
      for (const auto& job : jobs) ids.push_back(job.id);
      check(queue.complete_many(ids, "bench", next), "complete jobs");
      next += n;
      done += n;
    }
  }

  // p50/p99 in µs of single claim() calls with `ready` jobs waiting; completes them after.
  // p99 includes the WAL checkpoints (with fsync) that SQLite runs every 1000 written pages.
  std::pair<double, double> claim_latency(int ready) {
    std::vector<JobSpec> specs;
    for (int i = 0; i < ready; ++i) specs.push_back(spec_for(next + i));
    check(queue.enqueue_many(specs, next), "enqueue jobs");
    std::vector<double> micros;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < ready; ++i) {
      auto start = Clock::now();
      auto job = check(queue.claim("bench", next, 60'000), "claim");
      micros.push_back(seconds_since(start) * 1e6);
      if (!job) die("claim found nothing");
      ids.push_back(job->id);
    }
    check(queue.complete_many(ids, "bench", next), "complete jobs");
    next += ready;
    std::sort(micros.begin(), micros.end());
    return {micros[micros.size() / 2], micros[micros.size() * 99 / 100]};
  }
};

// CPU seconds (user + system) of this process: unlike wall time, not inflated when other
// processes compete for the machine's cores.
double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto sec = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return sec(usage.ru_utime) + sec(usage.ru_stime);
}

std::string load_average() {
  std::FILE* f = std::fopen("/proc/loadavg", "r");
  if (f == nullptr) return "?";
  char buffer[64] = {};
  const bool ok = std::fgets(buffer, sizeof buffer, f) != nullptr;
  std::fclose(f);
  std::string text = ok ? buffer : "?";
  return text.substr(0, text.find(' '));
}

double megabytes(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0.0 : static_cast<double>(size) / (1024.0 * 1024.0);
}

std::string sizes(const std::string& path) {
  return fmt::format("{:.1f} MB (+ WAL {:.1f} MB)", megabytes(path), megabytes(path + "-wal"));
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  std::string dir = args.dir;
  if (dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "capsync-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) die("mkdtemp failed");
    dir = pattern;
  }
  const std::string path = (std::filesystem::path(dir) / "queue_bench.db").string();
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");

  auto db = check(Database::open(path, {}), "open the database");
  Bench bench{*db, JobQueue(*db, {.seed = 1}), 0, args.batch};
  constexpr int kBaselineDone = 10'000, kLatencySamples = 5'000;
  fmt::print("queue_bench: {} jobs, {} (WAL, synchronous=NORMAL), load average {} on {} cores\n", args.jobs,
             path, load_average(), std::thread::hardware_concurrency());

  // Baseline: 10k done jobs, then claim latency.
  bench.cycle_batched(kBaselineDone - kLatencySamples);
  const auto [p50_base, p99_base] = bench.claim_latency(kLatencySamples);

  auto start = Clock::now();
  double cpu = cpu_seconds();
  bench.cycle_per_call(args.per_call);
  const double per_call_rate = static_cast<double>(args.per_call) / seconds_since(start);
  const double per_call_cpu = static_cast<double>(args.per_call) / (cpu_seconds() - cpu);

  const std::int64_t batched = args.jobs - bench.next - kLatencySamples;
  start = Clock::now();
  cpu = cpu_seconds();
  bench.cycle_batched(batched);
  const double batched_rate = static_cast<double>(batched) / seconds_since(start);
  const double batched_cpu = static_cast<double>(batched) / (cpu_seconds() - cpu);

  const std::int64_t done_before_latency = bench.next;
  const auto [p50, p99] = bench.claim_latency(kLatencySamples);

  // "per CPU-second": jobs per second of this process's own CPU time, the rate on an idle core.
  fmt::print("cycle enqueue->claim->complete, one transaction per call: {:>8.0f} jobs/s wall, {:>8.0f} per CPU-second"
             "  ({} jobs)\n",
             per_call_rate, per_call_cpu, args.per_call);
  fmt::print("cycle enqueue->claim->complete, batches of {:>4}:           {:>8.0f} jobs/s wall, {:>8.0f} per CPU-second"
             "  ({} jobs; {:.2f}x / {:.2f}x per-call)\n",
             args.batch, batched_rate, batched_cpu, batched, batched_rate / per_call_rate, batched_cpu / per_call_cpu);
  fmt::print("claim latency with {:>7} done jobs: p50 {:>7.1f} us  p99 {:>7.1f} us  (baseline)\n", kBaselineDone,
             p50_base, p99_base);
  fmt::print("claim latency with {:>7} done jobs: p50 {:>7.1f} us  p99 {:>7.1f} us  ({:.2f}x / {:.2f}x baseline)\n",
             done_before_latency, p50, p99, p50 / p50_base, p99 / p99_base);

  const std::string before = sizes(path);
  start = Clock::now();
  const int pruned = check(bench.queue.prune_done(bench.next + 1), "prune done jobs");
  const double prune_s = seconds_since(start);
  const std::string after_prune = sizes(path);
  check(db->reclaim_space(), "reclaim space");
  check(db->exec("PRAGMA wal_checkpoint(TRUNCATE)"), "checkpoint");
  fmt::print("database size: {} before prune; prune_done removed {} jobs in {:.2f} s -> {}; "
             "after reclaim_space and checkpoint {}\n",
             before, pruned, prune_s, after_prune, sizes(path));

  db.reset();
  if (args.dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}
