// Webhook latency benchmark (R23, R24, R26): capsyncd against the sandbox at time scale 1,
// Xero's rate limits as documented (60 requests a minute per organisation, shared by the
// bookkeeper's changes and capsync's reads and writes). --changes changes on EACH side, one of
// each every --pace seconds: an invoice paid in Xero, timed until the party's Outstanding field
// in Capsule shows it, and a party's email edited in Capsule, timed until the linked Xero
// contact has it. First with webhooks (Xero's webhook; Capsule REST hooks, which capsyncd
// subscribes itself at webhooks.public_url once Capsule is connected through the registered
// app), then, in the same run, without them: the daemon polls both sides every
// --poll-interval, the only way it learns of a change then. Also counts the Xero requests of
// one idle incremental sync, which gives what an idle connection spends a day either way.
//
// Figures: p50 / p95 / p99 / max latency per side and mode, the ratio of the p50s, and Xero
// requests a day.

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
  int changes = 200;  // per side
  // Between steps (one change on each side): a step costs Xero about four requests (the
  // payment, capsync's read-back, its contact update and a lookup) of the 60 a minute.
  double pace_s = 5;
  std::string poll_interval = "2m";
  std::chrono::minutes tail{30};  // how long the last changes may take to arrive
};

// 2n linked customers (an invoice each, so the Xero contact is a customer, R3): the first n
// are paid in Xero, the others edited in Capsule.
Seed customers(int n) {
  Seed seed;
  for (int i = 0; i < 2 * n; ++i) {
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

std::string email_of(int i) { return fmt::format("ap{}@customer.test", i); }

struct Latencies {
  std::vector<double> xero_to_capsule, capsule_to_xero;
};

// Sets up webhooks both ways: the sandbox's Xero webhook at the listener, and Capsule connected
// through the registered app, after which capsyncd subscribes its REST hooks by itself.
void set_up_webhooks(SyncWorld& world, int port) {
  world.admin("POST", "/_admin/xero/webhook",
              fmt::format(R"({{"url":"http://127.0.0.1:{}/webhooks/xero","key":"{}","batch_ms":1000}})", port, kKey));
  const bool intent_done = wait_until(
      [&] { return std::string(world.admin("GET", "/_admin/xero/webhook").json()["status"].GetString()) != "pending"; },
      60s);
  if (!intent_done) throw std::runtime_error("Xero's intent-to-receive did not finish");
  world.reconnect(/*capsule=*/true);
  const bool subscribed = wait_until(
      [&] {
        const auto state = world.state();
        int hooks = 0;
        for (const auto& h : state.doc()["capsule"]["restHooks"].GetArray())
          if (text_of(h, "description") == "capsync acme") ++hooks;
        return hooks >= 3;
      },
      60s);
  if (!subscribed) throw std::runtime_error("capsyncd subscribed no Capsule REST hooks");
  world.wait_settled();
}

// Makes one change on each side per step and records when each arrives; seconds per change.
Latencies run(const Options& o, bool webhooks) {
  WorldOptions options;
  options.time_scale = 1;
  const int port = free_loopback_port();
  options.capsule_oauth_redirect = "http://127.0.0.1:8765/callback";
  options.sync_yaml = fmt::format("interval: {0}\ncapsule_poll: {0}", o.poll_interval);
  SyncWorld world(customers(o.changes), options);
  std::ofstream(world.dir().path() / "xero-webhook-key") << kKey;
  if (webhooks)
    world.options().extra_yaml = fmt::format(
        "webhooks:\n  listen: 127.0.0.1:{0}\n  public_url: http://127.0.0.1:{0}\n  xero:\n    webhook_key_file: "
        "{1}/xero-webhook-key\n",
        port, world.dir().path().string());
  world.start_daemon();
  if (webhooks) set_up_webhooks(world, port);
  std::map<int, std::string> contact_of;  // Capsule-side customer -> its Xero contact id
  for (int i = o.changes; i < 2 * o.changes; ++i) contact_of[i] = world.remote_id(fmt::format("c-{}", i));

  std::map<int, Clock::time_point> paid, edited;
  std::map<int, double> paid_arrived, edit_arrived;
  const auto check = [&] {
    const auto state = world.state();
    for (const auto& [i, at] : paid) {
      if (paid_arrived.contains(i)) continue;
      const auto* party = state.party(1000 + i);
      if (party && SandboxState::field(*party, "Outstanding") == "60.00 GBP")
        paid_arrived[i] = std::chrono::duration<double>(Clock::now() - at).count();
    }
    if (edited.size() == edit_arrived.size()) return;
    const auto book = world.remote(state);
    for (const auto& [i, at] : edited) {
      if (edit_arrived.contains(i)) continue;
      const auto* contact = book.find(contact_of.at(i));
      if (contact && contact->email == email_of(i))
        edit_arrived[i] = std::chrono::duration<double>(Clock::now() - at).count();
    }
  };
  auto next = Clock::now();
  for (int step = 0; step < o.changes; ++step) {
    while (Clock::now() < next) {
      check();
      std::this_thread::sleep_for(100ms);
    }
    next += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.pace_s));
    for (;;) {  // a 429 from Xero's minute limit: the bookkeeper's change waits, as in Xero's UI
      auto r = world.xero("PUT", "/Payments",
                          fmt::format(R"({{"Invoice":{{"InvoiceID":"{}"}},"Account":{{"Code":"090"}},"Amount":"40.00"}})",
                                      world.kit().invoice_id(fmt::format("i-{}", step))));
      if (r.status == 200) break;
      if (r.status != 429) throw std::runtime_error(fmt::format("PUT /Payments answered {}: {}", r.status, r.body));
      std::this_thread::sleep_for(1s);
    }
    paid[step] = Clock::now();
    const int party = o.changes + step;
    auto r = world.capsule("PUT", fmt::format("/parties/{}", 1000 + party),
                           fmt::format(R"({{"party":{{"emailAddresses":[{{"type":"Work","address":"{}"}}]}}}})",
                                       email_of(party)));
    if (r.status != 200) throw std::runtime_error(fmt::format("PUT /parties answered {}: {}", r.status, r.body));
    edited[party] = Clock::now();
  }
  const auto deadline = Clock::now() + o.tail;
  while ((paid_arrived.size() < paid.size() || edit_arrived.size() < edited.size()) && Clock::now() < deadline) {
    check();
    std::this_thread::sleep_for(100ms);
  }
  Latencies out;
  for (const auto& [i, s] : paid_arrived) out.xero_to_capsule.push_back(s);
  for (const auto& [i, s] : edit_arrived) out.capsule_to_xero.push_back(s);
  if (paid_arrived.size() < paid.size() || edit_arrived.size() < edited.size())
    fmt::print("  never arrived: {} of {} payments, {} of {} edits\n", paid.size() - paid_arrived.size(), paid.size(),
               edited.size() - edit_arrived.size(), edited.size());
  return out;
}

void print_line(const std::string& what, const std::vector<double>& s) {
  fmt::print("  {:<44} n={:<4} p50 {:6.1f} s  p95 {:6.1f} s  p99 {:6.1f} s  max {:6.1f} s\n", what, s.size(),
             percentile(s, 0.5), percentile(s, 0.95), percentile(s, 0.99), percentile(s, 1.0));
}

double ratio(const std::vector<double>& without, const std::vector<double>& with) {
  const double w = percentile(with, 0.5);
  return w > 0 ? percentile(without, 0.5) / w : 0;
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
  int tail_minutes = static_cast<int>(o.tail.count());
  CLI::App app{"webhook_latency_bench: changes on each side to the other, with and without webhooks"};
  app.add_option("--changes", o.changes, "Changes per side and mode (Xero payments, Capsule party edits)");
  app.add_option("--pace", o.pace_s, "Seconds between steps (one change on each side)");
  app.add_option("--poll-interval", o.poll_interval, "sync.interval and capsule_poll of the run without webhooks");
  app.add_option("--tail", tail_minutes, "Minutes the last changes may take to arrive");
  app.allow_extras();  // scripts/bench passes every benchmark the same arguments
  CLI11_PARSE(app, argc, argv);
  o.tail = std::chrono::minutes(tail_minutes);
  try {
    fmt::print("{} changes on each side, one of each every {} s, time scale 1\n", o.changes, o.pace_s);
    const Latencies with = run(o, true);
    print_line("with webhooks: Xero payment -> Capsule", with.xero_to_capsule);
    print_line("with webhooks: Capsule edit -> Xero", with.capsule_to_xero);
    const Latencies without = run(o, false);
    print_line(fmt::format("polling every {}: Xero payment -> Capsule", o.poll_interval), without.xero_to_capsule);
    print_line(fmt::format("polling every {}: Capsule edit -> Xero", o.poll_interval), without.capsule_to_xero);
    fmt::print("  p50 without / with webhooks: Xero -> Capsule {:.0f}x, Capsule -> Xero {:.0f}x\n",
               ratio(without.xero_to_capsule, with.xero_to_capsule), ratio(without.capsule_to_xero, with.capsule_to_xero));
    // Deliveries cost no request: with webhooks the poll is only the safety net (R23), at the
    // 2h default. Without them, near-real-time means polling about every minute.
    const std::size_t per_poll = idle_poll_requests();
    fmt::print("  one idle connection, Xero requests a day: {} with webhooks (an idle sync costs {}, every 2h), {} "
               "without them polling every minute for comparable latency (of Xero's 5,000 a day)\n",
               per_poll * 12, per_poll, per_poll * 1440);
  } catch (const std::exception& e) {
    fmt::print(stderr, "webhook_latency_bench: {}\n", e.what());
    return 1;
  }
  return 0;
}
