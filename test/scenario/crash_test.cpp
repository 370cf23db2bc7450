// Crash safety (design §3, §5), for every provider of the conformance suite: capsyncd is
// SIGKILLed at seeded points of an initial sync and restarted each time; the end state must
// equal a crash-free run's: no duplicate on either side, no lost edit, no invoice counted twice.
// Xero: about 2,000 contacts; the other providers 1,000, so the whole suite stays within its
// time. 20 kills each.
// CAPSYNC_CRASH_SEED=<n> replays a failing run's kill points.

#include <algorithm>
#include <cstdlib>
#include <random>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "test/scenario/conformance.hpp"
#include "test/scenario/initial_sync_case.hpp"

namespace capsync::scenario {
namespace {

struct CrashSize {
  int contacts, kills;
};
CrashSize crash_size(const std::string& provider) { return provider == "xero" ? CrashSize{2000, 20} : CrashSize{1000, 20}; }

std::uint64_t crash_seed() {
  if (const char* given = std::getenv("CAPSYNC_CRASH_SEED")) return std::strtoull(given, nullptr, 10);
  return std::random_device{}();
}

// Waits until the sandbox has logged `count` requests; false when the sync settled first.
bool wait_for_requests(SyncWorld& world, const InitialSyncCase& sync_case, std::int64_t count) {
  bool reached = false;
  wait_until(
      [&] {
        reached = sync_case.requests() >= count;
        if (reached) return true;
        auto status = world.status();
        const auto& c = status["connections"][0];
        return c["queue"]["ready"].GetInt64() == 0 && c["queue"]["running"].GetInt64() == 0 &&
               c.HasMember("last_sync") && c["last_sync"].IsObject();
      },
      120s);
  return reached;
}

}  // namespace

TEST_CASE("R2 R6 R7 R10 crash safety: SIGKILL at seeded points of an initial sync ends as a crash-free run",
          "[.][scenario][crash]") {
  FOR_EACH_PROVIDER();
  const auto [kContacts, kKills] = crash_size(provider);
  const int kEditAfterKill = kKills / 2;
  const std::uint64_t seed = crash_seed();
  INFO("CAPSYNC_CRASH_SEED=" << seed);
  fmt::print("crash test ({}): CAPSYNC_CRASH_SEED={}\n", provider, seed);

  // Crash-free reference; the edit is made once half the sync's requests have been sent.
  SyncWorld reference_world(InitialSyncCase::seed(kContacts, provider), InitialSyncCase::options());
  InitialSyncCase reference(reference_world);
  reference_world.start_daemon(false);
  reference_world.wait_settled({}, 180s);
  const std::int64_t total = reference.requests();
  reference.edit();
  reference.finish();
  REQUIRE(reference.edit_arrived());
  const EndState expected = reference.end_state();
  CHECK(expected.problems == std::vector<std::string>{});

  // Kill points spread over the reference run's requests.
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> draw(total / 50 + 1, total - total / 20);
  std::vector<std::int64_t> points(kKills);
  for (auto& p : points) p = draw(rng);
  std::sort(points.begin(), points.end());
  fmt::print("crash test ({}): reference sync made {} requests; kills after {}\n", provider, total, fmt::join(points, ", "));

  SyncWorld world(InitialSyncCase::seed(kContacts, provider), InitialSyncCase::options());
  InitialSyncCase crashed(world);
  world.start_daemon(false);
  int kills = 0;
  for (int i = 0; i < kKills; ++i) {
    if (wait_for_requests(world, crashed, points[static_cast<std::size_t>(i)])) ++kills;
    world.kill_daemon();
    if (i == kEditAfterKill) crashed.edit();  // made while capsyncd is down: must not be lost
    world.start_daemon(false);
  }
  crashed.finish();
  fmt::print("crash test ({}): {} of {} kills landed mid-sync; {} requests in all\n", provider, kills, kKills, crashed.requests());
  CHECK(kills >= kKills / 2);

  CHECK(crashed.edit_arrived());
  const EndState actual = crashed.end_state();
  for (const auto& problem : actual.problems) fmt::print("problem: {}\n", problem);
  CHECK(actual.problems.empty());
  const auto differences = diff(expected.lines, actual.lines);
  for (const auto& line : differences) fmt::print("{}\n", line);
  CHECK(differences.empty());
}

}  // namespace capsync::scenario
