// Issue 22 against the sandbox: the ETA capsyncctl status reports for a sync held back by a
// tight Capsule rate limit is the time the sync then takes, within 10%. The sandbox allows the
// Capsule token a few requests an hour and compresses the hour (--time-scale), so the limit, not
// the machine, sets the pace; Capsule states its limit on every response (X-RateLimit-Limit), and
// the ETA weighs that one. Times are compared in the sandbox's time: wall time x the time scale.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kTimeScale = 14'400;  // Capsule's hour lasts 250 ms
constexpr int kPerHour = 4;            // the Capsule token's requests per (compressed) hour
constexpr int kContacts = 100;         // each a party to create: some 25 windows of writes

struct Sample {
  std::chrono::steady_clock::time_point at;
  bool running = false;
  std::string phase, reason, summary;
  std::int64_t writes_done = 0;
  std::optional<std::int64_t> eta_seconds;
};

Sample sample(const SyncWorld& world) {
  Sample s;
  const auto status = world.status();
  s.at = std::chrono::steady_clock::now();
  const auto& c = status["connections"][0];
  if (!c.HasMember("progress") || !c["progress"].IsObject()) return s;
  const auto& p = c["progress"];
  s.running = true;
  s.phase = text_of(p, "phase");
  s.reason = text_of(p, "eta_reason");
  s.summary = text_of(p, "summary");
  s.writes_done = p["writes_done"].GetInt64();
  if (p["eta_seconds"].IsInt64()) s.eta_seconds = p["eta_seconds"].GetInt64();
  return s;
}

}  // namespace

TEST_CASE("The ETA of a sync held back by a tight Capsule rate limit is the time it then takes, within 10%") {
  Seed seed;
  seed.capsule_rate_limit(kPerHour);
  for (int i = 1; i <= kContacts; ++i) {
    const std::string id = fmt::format("c-{:03}", i);
    seed.contact(xero_contact(id, fmt::format("Customer {:03} Ltd", i)))
        .invoice(xero_invoice(id, fmt::format("INV-{:03}", i), "10.00", 30));
  }
  WorldOptions options;
  options.time_scale = static_cast<double>(kTimeScale);
  options.log_level = "info";
  SyncWorld world(seed, options);
  world.start_daemon(false);

  // Follow the start-up sync through status until it ends.
  std::vector<Sample> samples;
  bool wrote = false;
  std::string human;  // capsyncctl status once while writing
  const bool ended = wait_until(
      [&] {
        samples.push_back(sample(world));
        wrote = wrote || samples.back().phase == "writing_capsule";
        if (wrote && human.empty() && samples.back().writes_done >= 10) human = world.ctl({"status"}).output;
        return wrote && !samples.back().running;
      },
      120s);
  REQUIRE(ended);
  const auto end = samples.back().at;
  world.wait_settled();

  // The point to judge from: writing, with what a change costs known and most of the work left.
  const Sample* from = nullptr;
  for (const auto& s : samples)
    if (s.phase == "writing_capsule" && s.writes_done >= 10 && s.eta_seconds) {
      from = &s;
      break;
    }
  REQUIRE(from != nullptr);
  const std::int64_t taken =
      std::chrono::duration_cast<std::chrono::milliseconds>(end - from->at).count() * kTimeScale / 1000;
  INFO(from->summary << ", ETA " << *from->eta_seconds << " s (" << from->reason << "), took " << taken
                     << " s in the sandbox's time");
  CHECK(from->reason.starts_with(fmt::format("Capsule allows {} requests per hour", kPerHour)));
  INFO(human);
  CHECK(human.find(fmt::format(" left (Capsule allows {} requests per hour, ", kPerHour)) != std::string::npos);
  // Long enough that the limit's windows, not their edges, decide.
  CHECK(taken >= 20 * 3600);
  CHECK(*from->eta_seconds * 10 >= taken * 9);
  CHECK(*from->eta_seconds * 10 <= taken * 11);
}
