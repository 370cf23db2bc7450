// Webhook latency benchmark (R23): capsyncd against the sandbox at time scale 1, Xero's rate
// limits as documented (60 requests a minute per organisation, shared by the bookkeeper's
// changes and capsync's reads). --changes invoices are paid in Xero, one every --pace seconds,
// and each is timed from the payment to the moment the party's Outstanding field in Capsule
// shows it: first with the Xero webhook on, then, in the same run, without it (the daemon polls
// Xero every --poll-interval, the only way it learns of a change then). Also counts the Xero
// API requests of one idle incremental sync, the cost each poll adds per day.
//
// Figures: p50 / p95 / p99 / max latency for each mode, and requests per idle poll.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "test/scenario/daemon_process.hpp"
#include "test/scenario/sync_world.hpp"

namespace {

using namespace capsync::scenario;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::string_view kKey = "bench-webhook-key";

struct Options {
  int changes = 200;
  double pace_s = 2.5;  // between payments: theirs and capsync's reads share 60 requests a minute
  std::string poll_interval = "2m";
};

Seed customers(int n) {
  Seed seed;
  for (int i = 0; i < n; ++i) {
    const std::string name = fmt::format("Customer {:03}", i);
    seed.party(organisation(1000 + i, name))
        .contact(org_contact(fmt::format("c-{}", i), name))
        .invoice(sales_invoice(fmt::format("c-{}", i), fmt::format("INV-{}", i), "100.00", 10).keyed(fmt::format("i-{}", i)));
  }
  return seed;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(index, v.size() - 1)];
}

// Pays each invoice in turn and records when Capsule shows it; seconds per change.
std::vector<double> run(const Options& o, bool webhooks) {
  WorldOptions options;
  options.time_scale = 1;
  SyncWorld world(customers(o.changes), options);
  const int port = free_loopback_port();
  std::ofstream(world.dir().path() / "xero-webhook-key") << kKey;
  if (webhooks)
    world.options().extra_yaml = fmt::format("webhooks:\n  listen: 127.0.0.1:{}\n  xero:\n    webhook_key_file: {}/xero-webhook-key\n",
                                             port, world.dir().path().string());
  world.options().sync_yaml = fmt::format("interval: {}", o.poll_interval);
  world.start_daemon();
  if (webhooks) {
    world.admin("POST", "/_admin/xero/webhook",
                fmt::format(R"({{"url":"http://127.0.0.1:{}/webhooks/xero","key":"{}","batch_ms":1000}})", port, kKey));
    while (std::string(world.admin("GET", "/_admin/xero/webhook").json()["status"].GetString()) == "pending")
      std::this_thread::sleep_for(100ms);
  }
  std::map<int, Clock::time_point> paid;
  std::map<int, double> arrived;
  const auto check = [&] {
    const auto state = world.state();
    for (const auto& [i, at] : paid) {
      if (arrived.contains(i)) continue;
      const auto* party = state.party(1000 + i);
      if (party && SandboxState::field(*party, "Outstanding") == "60.00 GBP")
        arrived[i] = std::chrono::duration<double>(Clock::now() - at).count();
    }
  };
  auto next = Clock::now();
  for (int i = 0; i < o.changes; ++i) {
    while (Clock::now() < next) {
      check();
      std::this_thread::sleep_for(100ms);
    }
    next += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.pace_s));
    for (;;) {  // a 429 from Xero's minute limit: the bookkeeper's change waits, as in Xero's UI
      auto r = world.xero("PUT", "/Payments",
                          fmt::format(R"({{"Invoice":{{"InvoiceID":"{}"}},"Account":{{"Code":"090"}},"Amount":"40.00"}})",
                                      world.kit().invoice_id(fmt::format("i-{}", i))));
      if (r.status == 200) break;
      if (r.status != 429) throw std::runtime_error(fmt::format("PUT /Payments answered {}: {}", r.status, r.body));
      std::this_thread::sleep_for(1s);
    }
    paid[i] = Clock::now();
  }
  const auto deadline = Clock::now() + 30min;
  while (arrived.size() < paid.size() && Clock::now() < deadline) {
    check();
    std::this_thread::sleep_for(100ms);
  }
  std::vector<double> out;
  for (const auto& [i, s] : arrived) out.push_back(s);
  if (out.size() < paid.size()) fmt::print("  {} of {} changes never arrived\n", paid.size() - out.size(), paid.size());
  return out;
}

// Xero API requests of one incremental sync that finds nothing new.
std::size_t idle_poll_requests() {
  SyncWorld world(customers(5));
  world.start_daemon();
  world.clear_requests();
  world.sync();
  std::size_t n = 0;
  for (const auto& r : world.requests())
    if (r.path.starts_with("/xero/api.xro/")) ++n;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"webhook_latency_bench: from a Xero change to Capsule, with and without webhooks"};
  app.add_option("--changes", o.changes, "Invoices paid in Xero per mode");
  app.add_option("--pace", o.pace_s, "Seconds between payments");
  app.add_option("--poll-interval", o.poll_interval, "sync.interval of the run without webhooks");
  app.allow_extras();  // scripts/bench passes every benchmark the same arguments
  CLI11_PARSE(app, argc, argv);
  try {
    fmt::print("{} changes, one every {} s, time scale 1\n", o.changes, o.pace_s);
    for (bool webhooks : {true, false}) {
      const auto s = run(o, webhooks);
      fmt::print("{:<34} n={:<4} p50 {:6.1f} s  p95 {:6.1f} s  p99 {:6.1f} s  max {:6.1f} s\n",
                 webhooks ? "with webhooks" : fmt::format("without (polling every {})", o.poll_interval), s.size(),
                 percentile(s, 0.5), percentile(s, 0.95), percentile(s, 0.99), percentile(s, 1.0));
    }
    const std::size_t per_poll = idle_poll_requests();
    fmt::print("an idle incremental sync costs {} Xero requests: {} a day at the 2h default interval, {} a day "
               "polling every minute\n",
               per_poll, per_poll * 12, per_poll * 1440);
  } catch (const std::exception& e) {
    fmt::print(stderr, "webhook_latency_bench: {}\n", e.what());
    return 1;
  }
  return 0;
}
