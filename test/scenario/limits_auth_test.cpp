// Rate limits and Capsule authorization against the sandbox's fault injector, seen through
// capsyncctl status: a server that asks for an absurd wait parks the connection for at most the
// cap and it recovers once the fault is gone; one Capsule 401 is retried with the token read
// again, a rotated token file is used without a reload, and a lasting 401 is reported.

#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

Seed small_seed() {
  Seed seed;
  seed.party(organisation(31, "Fine Ltd"))
      .contact(xero_contact("c-2", "Fine Ltd"))
      .invoice(xero_invoice("c-2", "INV-2", "20.00", 10));
  return seed;
}

const rapidjson::Value& connection_of(const rapidjson::Document& status) { return status["connections"][0]; }

void arm(const SyncWorld& world, const std::string& fault) {
  const auto answer = world.admin("POST", "/_admin/faults", fault);
  REQUIRE(answer.status == 200);
}

}  // namespace

TEST_CASE("Retry-After: 999999 from Capsule parks the connection's jobs for at most the cap, status shows the wait, "
          "and it recovers once the fault is gone") {
  WorldOptions options;
  options.time_scale = 600;  // the one-hour cap lasts 6 s
  SyncWorld world(small_seed(), options);
  world.start_daemon();

  arm(world, R"({"prefix":"/capsule/api/v2/","kind":"status","status":429,"fraction":1.0,)"
             R"("headers":{"Retry-After":"999999"}})");
  const auto job = world.sync_now();

  // Parked: no job running (none holds a lease), and status says until when and whose limit.
  std::string until, provider;
  std::int64_t running = -1;
  const bool parked = wait_until(
      [&] {
        const auto status = world.status();
        const auto& c = connection_of(status);
        if (!c.HasMember("rate_limited") || !c["rate_limited"].IsObject()) return false;
        running = c["queue"]["running"].GetInt64();
        until = text_of(c["rate_limited"], "until");
        provider = text_of(c["rate_limited"], "provider");
        return running == 0;
      },
      30s);
  REQUIRE(parked);
  CHECK(provider == "capsule");
  CHECK_FALSE(until.empty());
  // Never failed for it: no attempt counted.
  CHECK(world.query_text(fmt::format("SELECT attempts FROM jobs WHERE id = {}", job)) == "0");
  // Parked again at each try while the fault lasts, so the human status shows it too.
  std::string human;
  const bool shown = wait_until(
      [&] {
        human = world.ctl({"status"}).output;
        return contains(human, "; rate limited until ");
      },
      30s);
  INFO(human);
  CHECK(shown);
  CHECK(contains(human, " (capsule)"));

  // The cap ends the park after about 6 s (an hour / 600), not after 999999 s.
  world.admin("DELETE", "/_admin/faults");
  world.wait_settled({job}, 60s);
  const auto after = world.status();
  CHECK(connection_of(after)["rate_limited"].IsNull());
  CHECK(connection_of(after)["last_sync"]["ok"].GetBool());
}

TEST_CASE("One Capsule 401 is retried with the token read again: the sync succeeds, authorization stays ok") {
  SyncWorld world(small_seed());
  world.start_daemon();
  world.clear_requests();
  arm(world, R"({"prefix":"/capsule/api/v2/","kind":"status","status":401,"count":1})");
  world.sync();
  int refused = 0;
  for (const auto& r : world.requests())
    if (r.provider == "capsule" && r.status == 401) ++refused;
  CHECK(refused == 1);
  const auto status = world.status();
  CHECK(std::string(connection_of(status)["capsule_auth"].GetString()) == "ok");
  CHECK(connection_of(status)["last_sync"]["ok"].GetBool());
  CHECK(contains(world.ctl({"status"}).output, "authorization: capsule ok, xero ok"));
}

TEST_CASE("A lasting Capsule 401 reports a new token is needed, and a token file rotated on disk is used without reload") {
  WorldOptions options;
  options.extra_yaml = "queue:\n  max_attempts: 100\n  backoff: 1s\n  backoff_cap: 2s\n";
  SyncWorld world(small_seed(), options);
  world.start_daemon();

  // The token is revoked: every request with it is refused.
  arm(world, fmt::format(R"({{"prefix":"/capsule/api/v2/","kind":"status","status":401,"fraction":1.0,"bearer":"{}"}})",
                         kCapsuleToken));
  const auto job = world.sync_now();
  const bool reported = wait_until(
      [&] {
        const auto status = world.status();
        return std::string(connection_of(status)["capsule_auth"].GetString()) == "needs_new_token";
      },
      30s);
  REQUIRE(reported);
  const auto status = world.status();
  // The failed sync is what status says, not an older success.
  CHECK_FALSE(connection_of(status)["last_sync"]["ok"].GetBool());
  CHECK(contains(text_of(connection_of(status)["last_sync"], "error"), "needs a new Capsule token"));
  const auto human = world.ctl({"status"});
  INFO(human.output);
  CHECK(contains(human.output, "authorization: capsule needs_new_token (put a new Capsule personal access token"));
  CHECK(contains(human.output, " failed: "));

  // The operator writes a new token into the file; no reload.
  {
    const auto fresh = world.dir() / "capsule-token.new";
    std::ofstream(fresh) << kCapsuleRotatedToken << "\n";
    std::filesystem::permissions(fresh, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::filesystem::rename(fresh, world.dir() / "capsule-token");
  }
  world.wait_settled({job}, 60s);
  const auto after = world.status();
  CHECK(std::string(connection_of(after)["capsule_auth"].GetString()) == "ok");
  CHECK(connection_of(after)["last_sync"]["ok"].GetBool());
}
