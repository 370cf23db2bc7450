// Connections benchmark: one capsyncd serving N connections (--connections, default 10,100,1000)
// against one sandbox. Every connection has its own Capsule account (the sandbox hosts N, each
// with its own token) and shares the sandbox's KashFlow account (a login, no OAuth round trip per
// connection), on a small data set, so the figures are the daemon's per-connection costs, not
// the data's.
//
// Figures per N: time to READY (the admin socket answers), time until every initial sync is
// done, RSS, CPU per idle hour (measured over --idle seconds of Capsule polls every
// --poll seconds, then scaled to the default poll of 5 min), p99 lag between a periodic job's
// due time and its start, a SIGHUP reload that changes one connection, `status` latency and the
// database size. Ratios against N=10 of the same run show what grows linearly.
//
// --instances K splits the N connections over K daemons side by side (capsync@SHARD), each with
// its own config, state directory and socket; RSS, status and database are then per instance
// (the largest), CPU the sum.

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "daemon/ctl/admin_client.hpp"
#include "test/bench/process_usage.hpp"
#include "test/scenario/sync_world.hpp"

namespace {

using namespace capsync::scenario;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

using capsync::bench::Usage;
using capsync::bench::usage_of;

// Integer rows of one query on the daemon's database, read-only (WAL lets it read while the
// daemon writes).
std::vector<std::vector<std::int64_t>> query(const std::filesystem::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::vector<std::int64_t>> out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return out;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK)
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::int64_t> row;
      for (int c = 0; c < sqlite3_column_count(st); ++c) row.push_back(sqlite3_column_int64(st, c));
      out.push_back(std::move(row));
    }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

std::int64_t scalar(const std::filesystem::path& db, const std::string& sql) {
  auto rows = query(db, sql);
  return rows.empty() || rows.front().empty() ? 0 : rows.front().front();
}

std::uintmax_t size_of(const std::filesystem::path& p) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(p, ec);
  return ec ? 0 : n;
}

struct Figures {
  int n = 0;
  double ready_s = 0, synced_s = 0, idle_cpu_per_hour_s = 0, idle_cpu_percent = 0, lag_p99_s = 0, reload_s = 0,
         status_ms = 0;
  long rss_kb = 0;
  std::uintmax_t db_bytes = 0;
  int polls = 0;
};

// Instance `home`'s config for connections [first, last).
std::string config_yaml(const SyncWorld& world, const std::filesystem::path& home, int first, int last, int poll_s,
                        int interval_s) {
  const std::string d = world.dir().path().string();
  std::string yaml =
      fmt::format("state_dir: {0}/state\nlog_level: info\nadmin_socket: {0}/admin.sock\n", home.string());
  yaml += "connections:\n";
  for (int i = first; i < last; ++i)
    yaml += fmt::format(
        "  - name: c{0}\n"
        "    capsule:\n"
        "      base_url: {1}/capsule\n"
        "      token_file: {2}/capsule-token-{0}\n"
        "    accounting:\n{3}"
        "    sync:\n"
        "      interval: {4}s\n"
        "      capsule_poll: {5}s\n"
        "      full_reconcile: 24h\n",
        i, world.base_url(), d, world.kit().accounting_yaml(world.base_url(), d), interval_s, poll_s);
  return yaml;
}

double status_latency_ms(const std::string& socket) {
  std::vector<double> times;
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    auto answer = capsync::daemon::admin_call(socket, R"({"cmd":"status"})", std::chrono::seconds(30));
    if (!answer) throw std::runtime_error("status: " + answer.error().message());
    times.push_back(seconds_since(start) * 1000);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// One capsyncd of the run: its directory, config, database and socket.
struct Instance {
  std::filesystem::path home;
  int first = 0, last = 0;
  std::filesystem::path db() const { return home / "state" / "capsync.db"; }
  std::string socket() const { return (home / "admin.sock").string(); }
  std::filesystem::path config() const { return home / "capsync.yaml"; }
};

Figures measure(int n, int instances, int idle_s, int poll_s, double time_scale) {
  Seed seed = Seed::generated(42, 4, 4, 8, "GBP", "kashflow", n);
  // Every connection shares the sandbox's one KashFlow account, whose rate limits would hold
  // 1,000 connections' first syncs for an hour: rate windows (and nothing else the daemon
  // times) are compressed, as in initial_sync_bench.
  WorldOptions options;
  options.time_scale = time_scale;
  SyncWorld world(seed, options);
  const auto dir = world.dir().path();
  // Connection i reaches Capsule account i + 1 (capsule_account_token in the sandbox).
  for (int i = 0; i < n; ++i) {
    const auto token = dir / fmt::format("capsule-token-{}", i);
    write_file(token, fmt::format("capsule-sandbox-token-{}\n", i + 1));
    chmod(token.c_str(), 0600);
  }
  const int interval_s = 7200;
  std::vector<Instance> shards;
  for (int k = 0; k < instances; ++k) {
    Instance in{dir / fmt::format("shard-{}", k), n * k / instances, n * (k + 1) / instances};
    std::filesystem::create_directories(in.home);
    write_file(in.config(), config_yaml(world, in.home, in.first, in.last, poll_s, interval_s));
    shards.push_back(in);
  }

  Figures f;
  f.n = n;
  const auto start = Clock::now();
  std::vector<std::unique_ptr<ChildProcess>> daemons;
  for (const auto& in : shards)
    daemons.push_back(std::make_unique<ChildProcess>(
        CAPSYNCD_PATH, std::vector<std::string>{"--config", in.config().string()},
        std::map<std::string, std::string>{{"CAPSYNC_RATE_TIME_SCALE", fmt::format("{}", time_scale)}},
        in.home / "daemon.log"));
  for (std::size_t k = 0; k < shards.size(); ++k)
    if (!wait_until(
            [&] {
              return capsync::daemon::admin_call(shards[k].socket(), R"({"cmd":"status"})", std::chrono::seconds(5)).ok();
            },
            std::chrono::minutes(10)))
      throw std::runtime_error("capsyncd did not answer status: " + daemons[k]->output());
  f.ready_s = seconds_since(start);
  // Every connection's first pull done (the polls keep coming meanwhile).
  for (const auto& in : shards)
    if (!wait_until(
            [&] {
              return scalar(in.db(), "SELECT count(DISTINCT connection) FROM jobs WHERE kind = 'pull' AND state = 'done'") >=
                         in.last - in.first &&
                     scalar(in.db(), "SELECT count(*) FROM jobs WHERE kind = 'pull' AND state IN ('ready', 'running')") == 0;
            },
            std::chrono::minutes(30)))
      throw std::runtime_error("the initial syncs did not finish");
  f.synced_s = seconds_since(start);

  // Idle: only the Capsule polls run (the pull interval is 2 h).
  world.clear_requests();
  const auto idle_from_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<Usage> before;
  for (const auto& d : daemons) before.push_back(usage_of(d->pid()));
  const auto idle_start = Clock::now();
  wait_until([] { return false; }, std::chrono::seconds(idle_s));  // the measuring window itself
  double cpu = 0;
  for (std::size_t k = 0; k < daemons.size(); ++k) {
    const Usage after = usage_of(daemons[k]->pid());
    cpu += after.cpu_s - before[k].cpu_s;
    f.rss_kb = std::max(f.rss_kb, after.rss_kb);
  }
  const double window_s = seconds_since(idle_start);
  for (const auto& r : world.requests()) f.polls += r.method == "GET" && r.path == "/capsule/api/v2/parties";
  // Measured CPU over the window; polls scaled to the default of one per 5 minutes per connection.
  const double per_poll = f.polls > 0 ? cpu / f.polls : 0;
  f.idle_cpu_per_hour_s = per_poll * 12.0 * n + (f.polls > 0 ? 0 : cpu * 3600 / window_s);
  f.idle_cpu_percent = f.idle_cpu_per_hour_s / 36.0;

  // Due-to-start lag of the periodic jobs that ran while idle.
  std::vector<std::int64_t> lags;
  for (const auto& in : shards)
    for (const auto& row : query(in.db(), fmt::format("SELECT started_at - run_after FROM jobs WHERE kind = "
                                                      "'capsule_poll' AND state = 'done' AND run_after >= {}",
                                                      idle_from_ms)))
      lags.push_back(row[0]);
  std::sort(lags.begin(), lags.end());
  if (!lags.empty()) f.lag_p99_s = static_cast<double>(lags[(lags.size() * 99) / 100]) / 1000.0;

  for (const auto& in : shards) f.status_ms = std::max(f.status_ms, status_latency_ms(in.socket()));

  // Reload changing one connection of the first instance: c0's pull interval.
  const Instance& first = shards.front();
  ChildProcess& daemon = *daemons.front();
  std::string yaml = config_yaml(world, first.home, first.first, first.last, poll_s, interval_s);
  const auto at = yaml.find(fmt::format("interval: {}s", interval_s));
  yaml.replace(at, fmt::format("interval: {}s", interval_s).size(), fmt::format("interval: {}s", interval_s + 60));
  write_file(first.config(), yaml);
  const auto log_size = daemon.output().size();
  const auto reload_start = Clock::now();
  daemon.signal(SIGHUP);
  if (!wait_until([&] { return daemon.output().find("Reloaded configuration", log_size) != std::string::npos; },
                  std::chrono::minutes(2)))
    throw std::runtime_error("the reload did not finish");
  f.reload_s = seconds_since(reload_start);
  for (const auto& in : shards)
    f.db_bytes = std::max(f.db_bytes, size_of(in.db()) + size_of(in.home / "state" / "capsync.db-wal"));
  for (const auto& d : daemons) d->signal(SIGTERM);
  for (const auto& d : daemons) d->wait_exit(std::chrono::seconds(60));
  return f;
}

std::vector<int> split(const std::string& list) {
  std::vector<int> out;
  std::istringstream items(list);
  for (std::string item; std::getline(items, item, ',');)
    if (!item.empty()) out.push_back(std::stoi(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("capsync connections benchmark");
  std::string counts = "10,100,1000";
  int idle_s = 60, poll_s = 10, instances = 1;
  double time_scale = 300;
  app.add_option("--time-scale", time_scale, "the shared accounts' rate windows divided by this");
  app.add_option("--connections", counts, "comma-separated connection counts");
  app.add_option("--instances", instances, "daemons side by side sharing the connections (capsync@SHARD)");
  app.add_option("--idle", idle_s, "seconds of idle polling measured");
  app.add_option("--poll", poll_s, "capsule_poll while measuring, in seconds (CPU is scaled to 5 min)");
  app.allow_extras();
  CLI11_PARSE(app, argc, argv);

  std::vector<Figures> rows;
  int status = 0;
  for (int n : split(counts)) {
    try {
      rows.push_back(measure(n, instances, idle_s, poll_s, time_scale));
      const auto& f = rows.back();
      if (instances > 1) fmt::print("{} instances, per instance: RSS, status and database the largest, CPU the sum\n", instances);
      fmt::print("{} connections: READY {:.2f} s, initial syncs done {:.1f} s, RSS {:.1f} MiB, idle CPU {:.1f} s/h "
                 "({:.2f}% of a core; {} polls in {} s), lag p99 {:.2f} s, reload {:.2f} s, status {:.1f} ms, "
                 "database {:.1f} MiB\n",
                 f.n, f.ready_s, f.synced_s, static_cast<double>(f.rss_kb) / 1024, f.idle_cpu_per_hour_s,
                 f.idle_cpu_percent, f.polls, idle_s, f.lag_p99_s, f.reload_s, f.status_ms,
                 static_cast<double>(f.db_bytes) / (1024 * 1024));
      std::fflush(stdout);
    } catch (const std::exception& e) {
      fmt::print(stderr, "connections_bench: {} connections: {}\n", n, e.what());
      status = 1;
    }
  }
  if (rows.empty()) return status;
  const Figures& base = rows.front();
  fmt::print("\n{:>6} {:>8} {:>9} {:>9} {:>9} {:>8} {:>9} {:>9} {:>9}   ratios to N={}: RSS, CPU, status, DB\n",
             "N", "READY s", "RSS MiB", "CPU %", "lag p99", "reload", "status ms", "DB MiB", "MiB/conn", base.n);
  for (const auto& f : rows) {
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    fmt::print("{:>6} {:>8.2f} {:>9.1f} {:>9.2f} {:>9.2f} {:>8.2f} {:>9.1f} {:>9.1f} {:>9.3f}   {:.1f} {:.1f} {:.1f} {:.1f}\n",
               f.n, f.ready_s, static_cast<double>(f.rss_kb) / 1024, f.idle_cpu_percent, f.lag_p99_s, f.reload_s,
               f.status_ms, static_cast<double>(f.db_bytes) / (1024 * 1024),
               static_cast<double>(f.db_bytes) / (1024 * 1024) / f.n,
               ratio(static_cast<double>(f.rss_kb), static_cast<double>(base.rss_kb)),
               ratio(f.idle_cpu_per_hour_s, base.idle_cpu_per_hour_s), ratio(f.status_ms, base.status_ms),
               ratio(static_cast<double>(f.db_bytes), static_cast<double>(base.db_bytes)));
  }
  fmt::print("goals at 1,000: RSS <= 200 MiB, idle CPU <= 2%, lag p99 <= 60 s, reload <= 2 s, status <= 500 ms\n");
  return status;
}
