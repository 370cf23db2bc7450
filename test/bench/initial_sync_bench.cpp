// Initial sync benchmark, per accounting provider (--provider, default every provider with a
// scenario kit): capsyncd against the sandbox seeded with 10,000 contacts, 50,000 invoices and
// 10,000 Capsule parties of the generator's data set, capsyncd keeping Capsule's (4,000/hour)
// and the provider's documented limits (connectors/registry) with time compressed
// by --time-scale. Then a no-change incremental sync. The same at a tenth of the size shows
// whether memory grows with the data.
//
// Figures: requests ÷ the pages the data needs; requests ÷ the minimum (those pages + one
// Capsule write per party that needed one + one note per party when notes are on, counted from
// the sandbox's state before and after); the wall time the requests made and the minimum would
// take at the real limits; wall time ÷ the rate-limit floor for the requests made, 429s
// received, capsyncd CPU seconds and peak RSS; one table at the end. --notes turns invoice
// notes on.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "connectors/registry/registry.hpp"
#include "test/bench/process_usage.hpp"
#include "test/scenario/sync_world.hpp"

namespace {

using namespace capsync::scenario;
using Clock = std::chrono::steady_clock;

constexpr int kCapsulePageSize = 100;  // Capsule's maximum perPage

// What the benchmark needs to know of a provider beyond its kit.
struct ProviderFacts {
  const char* name;
  int page_size;                  // the connector's page size
  const char* invoices;           // the state list of its sales invoices
  std::vector<const char*> auth;  // path fragments of its token/login endpoints (not rate-limited)
};

const std::vector<ProviderFacts>& provider_facts() {
  static const std::vector<ProviderFacts> facts{
      {"xero", 100, "invoices", {"/xero-identity/", "/xero-login/", "/xero/connections"}},
      {"freeagent", 100, "invoices", {"/freeagent/v2/token_endpoint", "/freeagent/v2/approve_app"}},
      {"sage", 200, "sales_invoices", {"/sage-oauth/", "/sage-login/"}},
      {"freshbooks", 100, "invoices", {"/freshbooks/auth/oauth/", "/freshbooks-auth/"}},
      {"kashflow", 100, "invoices", {"/kashflow/v2/sessiontoken"}},
  };
  return facts;
}

const ProviderFacts& facts_of(const std::string& provider) {
  for (const auto& f : provider_facts())
    if (provider == f.name) return f;
  throw std::runtime_error(fmt::format("unknown provider \"{}\"", provider));
}

struct Size {
  int parties, contacts, invoices;
};

using capsync::bench::Usage;
using capsync::bench::usage_of;

std::int64_t pages(std::int64_t items, int page_size) { return (items + page_size - 1) / page_size; }

// "capsule GET /parties", "xero GET /Invoices", ... with ids folded to {id}.
std::string resource_of(const LoggedRequest& r) {
  std::string path = r.path;
  for (const char* prefix : {"/capsule/api/v2", "/xero/api.xro/2.0", "/sage/v3.1", "/freeagent/v2", "/kashflow/v2",
                             "/freshbooks/accounting/account"})
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
  std::int64_t capsule_requests = 0, provider_requests = 0, other_requests = 0, reads = 0, too_many = 0, min_pages = 0;
  std::int64_t capsule_pages = 0, provider_pages = 0;  // of min_pages
  std::int64_t party_writes = 0, notes = 0;            // the minimum Capsule writes
  double wall_s = 0, floor_s = 0;
  Usage usage;
  std::map<std::string, int> by_resource, incremental;
};

// Sales invoices in the provider's part of the state (Xero lists bills in the same list).
std::int64_t sales_invoices(const ProviderFacts& facts, const SandboxState& state) {
  std::int64_t sales = 0;
  for (const auto& inv : state_list(state.doc(), facts.name, facts.invoices))
    sales += std::string_view(facts.name) != "xero" || std::string_view(inv["Type"].GetString()) == "ACCREC";
  return sales;
}

// Whole fixed windows needed beyond the first, times the window length: a burst up to a limit
// costs nothing, each further full window has to elapse.
double window_floor(std::int64_t n, double limit, double window_s) {
  return n <= 0 ? 0.0 : std::floor(static_cast<double>(n - 1) / limit) * window_s;
}

double limits_floor(std::string_view provider, std::int64_t requests, double time_scale) {
  const auto limits =
      provider == "capsule" ? capsync::registry::capsule_limits() : capsync::registry::find(provider).value()->limits;
  double floor_s = 0;
  for (const auto& w : limits.windows)
    floor_s = std::max(floor_s, window_floor(requests, static_cast<double>(w.limit),
                                             std::chrono::duration<double>(w.length).count() / time_scale));
  return floor_s;
}

// The custom field values and tags of every party, by id: what a summary write changes.
std::map<std::int64_t, std::string> party_summaries(const SandboxState& state) {
  std::map<std::int64_t, std::string> out;
  for (const auto& p : state.parties().GetArray()) {
    std::string text;
    for (const char* key : {"fields", "tags"})
      if (auto it = p.FindMember(key); it != p.MemberEnd() && it->value.IsArray())
        for (const auto& item : it->value.GetArray()) {
          auto def = item.FindMember("definition");
          if (def != item.MemberEnd() && def->value.IsObject()) text += std::to_string(def->value["id"].GetInt64());
          for (const char* field : {"name", "value"})
            if (auto v = item.FindMember(field); v != item.MemberEnd() && v->value.IsString())
              text += std::string("=") + v->value.GetString();
          text += ';';
        }
    out.emplace(p["id"].GetInt64(), std::move(text));
  }
  return out;
}

// Parties created, plus parties whose custom fields or tags differ between the two states:
// each needed one write.
std::int64_t parties_written(const std::map<std::int64_t, std::string>& before,
                             const std::map<std::int64_t, std::string>& after) {
  std::int64_t n = 0;
  for (const auto& [id, summary] : after) {
    auto it = before.find(id);
    n += it == before.end() || it->second != summary;
  }
  return n;
}

// Seconds `requests` take at the real limits, each window's limit spent at its steady rate.
double real_limits_s(std::string_view provider, std::int64_t requests) {
  const auto limits =
      provider == "capsule" ? capsync::registry::capsule_limits() : capsync::registry::find(provider).value()->limits;
  double out = 0;
  for (const auto& w : limits.windows)
    out = std::max(out, static_cast<double>(requests) / static_cast<double>(w.limit) *
                            std::chrono::duration<double>(w.length).count());
  return out;
}

std::int64_t minimum(const Run& r) { return r.min_pages + r.party_writes + r.notes; }

// Hours the sync's requests take at the real limits, and the minimum's.
std::pair<double, double> projected_hours(const std::string& provider, const Run& r) {
  const double made = std::max(real_limits_s("capsule", r.capsule_requests), real_limits_s(provider, r.provider_requests));
  const double least = std::max(real_limits_s("capsule", r.capsule_pages + r.party_writes + r.notes),
                                real_limits_s(provider, r.provider_pages));
  return {made / 3600, least / 3600};
}

Run run(const std::string& provider, const Size& size, double time_scale, bool notes) {
  const ProviderFacts& facts = facts_of(provider);
  Seed seed = Seed::generated(42, size.parties, size.contacts, size.invoices, "GBP,EUR,USD", provider);
  WorldOptions options;
  options.time_scale = time_scale;
  options.log_level = "notice";
  if (notes) options.sync_yaml = "invoice_note: true";
  SyncWorld world(seed, options);

  Run r;
  std::map<std::int64_t, std::string> before;
  std::int64_t notes_before = 0;
  {
    const auto state = world.state();
    // Every party (all statuses), every contact (archived included) and the sales invoices once.
    r.capsule_pages = pages(state.parties().Size(), kCapsulePageSize);
    r.provider_pages = pages(static_cast<std::int64_t>(world.remote(state).size()), facts.page_size) +
                       pages(sales_invoices(facts, state), facts.page_size);
    r.min_pages = r.capsule_pages + r.provider_pages;
    before = party_summaries(state);
    notes_before = state.entries().Size();
  }
  world.clear_requests();
  auto is_auth = [&](const LoggedRequest& req) {
    return std::any_of(facts.auth.begin(), facts.auth.end(),
                       [&](const char* fragment) { return req.path.find(fragment) != std::string::npos; });
  };

  const auto start = Clock::now();
  world.start_daemon(false);
  world.wait_settled({}, std::chrono::hours(2));
  r.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  r.usage = usage_of(world.daemon_pid());
  {
    const auto state = world.state();
    r.party_writes = parties_written(before, party_summaries(state));
    r.notes = static_cast<std::int64_t>(state.entries().Size()) - notes_before;
  }

  for (const auto& req : world.requests()) {
    const bool capsule = req.path.starts_with("/capsule/");
    const bool api = !capsule && !is_auth(req);
    if (capsule) ++r.capsule_requests;
    else if (api) ++r.provider_requests;
    else ++r.other_requests;  // OAuth token, login and connections endpoints, not rate-limited
    if (req.method == "GET" && (capsule || api)) ++r.reads;
    if (req.status == 429) ++r.too_many;
    ++r.by_resource[resource_of(req)];
  }
  r.floor_s = std::max(limits_floor("capsule", r.capsule_requests, time_scale),
                       limits_floor(provider, r.provider_requests, time_scale));

  world.clear_requests();
  world.sync(std::chrono::minutes(10));
  for (const auto& req : world.requests()) ++r.incremental[resource_of(req)];
  r.usage = usage_of(world.daemon_pid());  // peak over both syncs
  world.stop_daemon();
  return r;
}

void print(const std::string& provider, const char* label, const Size& size, const Run& r) {
  fmt::print("{} {}: {} parties, {} contacts, {} invoices\n", provider, label, size.parties, size.contacts,
             size.invoices);
  const auto requests = r.capsule_requests + r.provider_requests;
  fmt::print("  requests: {} (Capsule {}, {} {}; plus {} OAuth/login/connections)\n", requests, r.capsule_requests,
             provider, r.provider_requests, r.other_requests);
  fmt::print("  requests / minimum pages ({}): {:.2f}; reads alone: {:.2f}\n", r.min_pages,
             static_cast<double>(requests) / static_cast<double>(r.min_pages),
             static_cast<double>(r.reads) / static_cast<double>(r.min_pages));
  fmt::print("  requests / minimum ({} pages + {} party writes + {} notes = {}): {:.3f}\n", r.min_pages, r.party_writes,
             r.notes, minimum(r), static_cast<double>(requests) / static_cast<double>(minimum(r)));
  const auto [made_h, least_h] = projected_hours(provider, r);
  fmt::print("  {} contacts: {:.2f} h at real limits; minimum {:.2f} h\n", size.contacts, made_h, least_h);
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

struct Row {
  std::string provider, label;
  Run run;
};

void print_table(const std::vector<Row>& rows) {
  fmt::print("\n{:<11} {:<6} {:>9} {:>7} {:>8} {:>8} {:>12} {:>5} {:>7} {:>10}\n", "provider", "size", "req/pages",
             "req/min", "real h", "min h", "wall/floor", "429s", "CPU s", "peak RSS");
  for (const auto& [provider, label, r] : rows) {
    const auto requests = static_cast<double>(r.capsule_requests + r.provider_requests);
    const double ratio = requests / static_cast<double>(r.min_pages);
    const auto [made_h, least_h] = projected_hours(provider, r);
    const std::string wall = r.floor_s > 0 ? fmt::format("{:.2f}", r.wall_s / r.floor_s) : fmt::format("{:.1f}s/0", r.wall_s);
    fmt::print("{:<11} {:<6} {:>9.2f} {:>7.3f} {:>8.2f} {:>8.2f} {:>12} {:>5} {:>7.1f} {:>6.1f} MiB\n", provider, label,
               ratio, requests / static_cast<double>(minimum(r)), made_h, least_h, wall, r.too_many, r.usage.cpu_s,
               static_cast<double>(r.usage.peak_rss_kb) / 1024);
  }
  std::fflush(stdout);
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::istringstream items(list);
  for (std::string item; std::getline(items, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("capsync initial sync benchmark");
  double time_scale = 300;
  int divisor = 10;
  double data = 1.0;
  std::string providers;
  bool notes = false;
  app.add_flag("--notes", notes, "invoice notes on (one more Capsule write per linked party)");
  app.add_option("--time-scale", time_scale, "provider durations (rate windows, token lifetime) divided by this");
  app.add_option("--small", divisor, "the comparison run is this many times smaller");
  app.add_option("--data", data, "fraction of the full data set for the big run (e.g. 0.2 for a quick look)");
  app.add_option("--provider", providers, "comma-separated providers (default: every one with a scenario kit)");
  app.allow_extras();
  CLI11_PARSE(app, argc, argv);

  const Size big{static_cast<int>(10'000 * data), static_cast<int>(10'000 * data), static_cast<int>(50'000 * data)};
  const Size small{big.parties / divisor, big.contacts / divisor, big.invoices / divisor};
  const std::vector<std::string> chosen = providers.empty() ? conformance_providers() : split(providers);
  fmt::print("time scale {}: every rate window divided by it; the floors use capsync's limits\n", time_scale);
  std::vector<Row> rows;
  int status = 0;
  for (const auto& provider : chosen) {
    try {
      facts_of(provider);
      make_kit(provider);  // throws when the scenario harness has no kit for it yet
      const Run s = run(provider, small, time_scale, notes);
      print(provider, "small", small, s);
      rows.push_back({provider, "small", s});
      const Run b = run(provider, big, time_scale, notes);
      print(provider, "big", big, b);
      rows.push_back({provider, "big", b});
      fmt::print("{} peak RSS big / small: {:.2f} (data {}x)\n", provider,
                 static_cast<double>(b.usage.peak_rss_kb) / static_cast<double>(s.usage.peak_rss_kb), divisor);
    } catch (const std::exception& e) {
      fmt::print(stderr, "initial_sync_bench: {}: {}\n", provider, e.what());
      status = 1;
    }
  }
  print_table(rows);
  return status;
}
