// Initial sync benchmark: capsyncd against the sandbox seeded with 10,000 Xero contacts,
// 50,000 invoices and 10,000 Capsule parties, the sandbox enforcing Capsule's (4,000/hour) and
// Xero's (60/minute, 5,000/day, 5 at once) limits with time compressed by --time-scale. Then a
// no-change incremental sync. The same at a tenth of the size shows whether memory grows with
// the data.
//
// Figures: requests ÷ the pages the data needs, wall time ÷ the rate-limit floor for the
// requests made, 429s received, capsyncd CPU seconds and peak RSS.

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "test/scenario/sync_world.hpp"

namespace {

using namespace capsync::scenario;
using Clock = std::chrono::steady_clock;

constexpr double kCapsulePerHour = 4000;
constexpr double kXeroPerMinute = 60;
constexpr double kXeroPerDay = 5000;
constexpr int kPageSize = 100;  // the connectors' page size: Capsule's maximum perPage, Xero's page

struct Size {
  int parties, contacts, invoices;
};

struct Usage {
  double cpu_s = 0;
  long peak_rss_kb = 0;
};

// CPU seconds (user + system) and VmHWM of a live process.
Usage usage_of(pid_t pid) {
  Usage u;
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state; 14 utime, 15 stime
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  u.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmHWM:")) u.peak_rss_kb = std::stol(line.substr(6));
  return u;
}

std::int64_t pages(std::int64_t items) { return (items + kPageSize - 1) / kPageSize; }

// "capsule GET /parties", "xero GET /Invoices", ... with ids folded to {id}.
std::string resource_of(const LoggedRequest& r) {
  std::string path = r.path;
  for (const char* prefix : {"/capsule/api/v2", "/xero/api.xro/2.0"})
    if (path.starts_with(prefix)) path = path.substr(std::string_view(prefix).size());
  std::string out;
  std::istringstream parts(path);
  for (std::string part; std::getline(parts, part, '/');) {
    if (part.empty()) continue;
    const bool id = std::isdigit(static_cast<unsigned char>(part.front())) || part.size() >= 32;
    out += "/" + (id ? std::string("{id}") : part);
  }
  return fmt::format("{} {} {}", r.provider, r.method, out.empty() ? "/" : out);
}

struct Run {
  std::int64_t capsule_requests = 0, xero_requests = 0, other_requests = 0, reads = 0, too_many = 0, min_pages = 0;
  double wall_s = 0, floor_s = 0;
  Usage usage;
  std::map<std::string, int> by_resource, incremental;
};

Run run(const Size& size, double time_scale) {
  Seed seed = Seed::generated(42, size.parties, size.contacts, size.invoices, "GBP,EUR,USD");
  WorldOptions options;
  options.time_scale = time_scale;
  options.log_level = "notice";
  SyncWorld world(seed, options);

  Run r;
  {
    const auto state = world.state();
    std::int64_t sales = 0;
    for (const auto& inv : state.invoices().GetArray())
      if (std::string_view(inv["Type"].GetString()) == "ACCREC") ++sales;
    // Every party (all statuses), every contact (archived included) and the sales invoices once.
    r.min_pages = pages(state.parties().Size()) + pages(state.contacts().Size()) + pages(sales);
  }
  world.clear_requests();

  const auto start = Clock::now();
  world.start_daemon(false);
  world.wait_settled({}, std::chrono::hours(2));
  r.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  r.usage = usage_of(world.daemon_pid());

  for (const auto& req : world.requests()) {
    if (req.provider == "capsule") ++r.capsule_requests;
    else if (req.provider == "xero" && req.path.starts_with("/xero/api.xro/")) ++r.xero_requests;
    else ++r.other_requests;  // OAuth token and connections endpoints, not rate-limited
    if (req.method == "GET" && (req.provider == "capsule" || req.path.starts_with("/xero/api.xro/"))) ++r.reads;
    if (req.status == 429) ++r.too_many;
    ++r.by_resource[resource_of(req)];
  }
  // The sandbox counts fixed windows, so a burst up to a limit costs nothing; only each further
  // full window has to elapse: floor = whole windows needed beyond the first x window length.
  auto windows = [](std::int64_t n, double limit, double window_s) {
    return n <= 0 ? 0.0 : std::floor(static_cast<double>(n - 1) / limit) * window_s;
  };
  const double capsule_floor = windows(r.capsule_requests, kCapsulePerHour, 3600 / time_scale);
  const double xero_minute_floor = windows(r.xero_requests, kXeroPerMinute, 60 / time_scale);
  const double xero_day_floor = windows(r.xero_requests, kXeroPerDay, 86400 / time_scale);
  r.floor_s = std::max({capsule_floor, xero_minute_floor, xero_day_floor});

  world.clear_requests();
  world.sync(std::chrono::minutes(10));
  for (const auto& req : world.requests()) ++r.incremental[resource_of(req)];
  r.usage = usage_of(world.daemon_pid());  // peak over both syncs
  world.stop_daemon();
  return r;
}

void print(const char* label, const Size& size, const Run& r) {
  fmt::print("{}: {} parties, {} contacts, {} invoices\n", label, size.parties, size.contacts, size.invoices);
  const auto requests = r.capsule_requests + r.xero_requests;
  fmt::print("  requests: {} (Capsule {}, Xero {}; plus {} OAuth/connections)\n", requests, r.capsule_requests,
             r.xero_requests, r.other_requests);
  fmt::print("  requests / minimum pages ({}): {:.2f}; reads alone: {:.2f}\n", r.min_pages,
             static_cast<double>(requests) / static_cast<double>(r.min_pages),
             static_cast<double>(r.reads) / static_cast<double>(r.min_pages));
  for (const auto& [resource, count] : r.by_resource) fmt::print("    {:>6}  {}\n", count, resource);
  if (r.floor_s > 0)
    fmt::print("  wall {:.1f} s / rate-limit floor {:.1f} s: {:.2f}\n", r.wall_s, r.floor_s, r.wall_s / r.floor_s);
  else
    fmt::print("  wall {:.1f} s; rate-limit floor 0 (every provider's requests fit in one window)\n", r.wall_s);
  fmt::print("  429s received: {}\n", r.too_many);
  fmt::print("  capsyncd CPU: {:.1f} s, peak RSS: {:.1f} MiB\n", r.usage.cpu_s, static_cast<double>(r.usage.peak_rss_kb) / 1024);
  int incremental = 0;
  for (const auto& [resource, count] : r.incremental) incremental += count;
  fmt::print("  no-change incremental sync: {} requests\n", incremental);
  for (const auto& [resource, count] : r.incremental) fmt::print("    {:>6}  {}\n", count, resource);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("capsync initial sync benchmark");
  double time_scale = 300;
  int divisor = 10;
  double data = 1.0;
  app.add_option("--time-scale", time_scale, "provider durations (rate windows, token lifetime) divided by this");
  app.add_option("--small", divisor, "the comparison run is this many times smaller");
  app.add_option("--data", data, "fraction of the full data set for the big run (e.g. 0.2 for a quick look)");
  app.allow_extras();
  CLI11_PARSE(app, argc, argv);

  const Size big{static_cast<int>(10'000 * data), static_cast<int>(10'000 * data), static_cast<int>(50'000 * data)};
  const Size small{big.parties / divisor, big.contacts / divisor, big.invoices / divisor};
  fmt::print("time scale {}: Capsule {:.0f} requests/s, Xero {:.0f}/s and {:.0f} per compressed day, 5 at once\n",
             time_scale, kCapsulePerHour * time_scale / 3600, kXeroPerMinute * time_scale / 60, kXeroPerDay);
  try {
    const Run s = run(small, time_scale);
    print("small", small, s);
    const Run b = run(big, time_scale);
    print("big", big, b);
    fmt::print("peak RSS big / small: {:.2f} (data {}x)\n",
               static_cast<double>(b.usage.peak_rss_kb) / static_cast<double>(s.usage.peak_rss_kb), divisor);
  } catch (const std::exception& e) {
    fmt::print(stderr, "initial_sync_bench: {}\n", e.what());
    return 1;
  }
  return 0;
}
