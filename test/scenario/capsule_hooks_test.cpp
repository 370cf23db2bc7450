// R26 end to end: capsyncd behind its webhook listener, the sandbox's Capsule posting REST hook
// deliveries. Both polls are hours away, so only the hook can carry an edit across in time.

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "connectors/capsule/rest_hooks.hpp"
#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

// A world whose connection has the sandbox's Capsule app, a webhook listener on `port`, and
// capsync's party/updated hook already subscribed (as a start with the app leaves it) at `target`.
std::unique_ptr<SyncWorld> hooked_world(int port, const std::string& target) {
  Seed seed;
  seed.party(organisation(11, "Acme Ltd"))
      .contact(xero_contact("c-1", "Acme Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "120.00", 10))
      .rest_hook(fmt::format(R"({{"event":"party/updated","targetUrl":"{}","description":"capsync acme",)"
                             R"("clientId":"{}"}})",
                             target, kCapsuleClientId));
  WorldOptions options;
  options.capsule_oauth_redirect = "http://127.0.0.1:8765/callback";
  options.extra_yaml = fmt::format("webhooks:\n  listen: 127.0.0.1:{}\n", port);
  return std::make_unique<SyncWorld>(seed, options);
}

std::string hook_target(int port, std::string_view token) {
  return fmt::format("http://127.0.0.1:{}/webhooks/capsule/acme/{}", port, token);
}

}  // namespace

TEST_CASE("R26 a Capsule edit reaches the accounting side via a hook, long before any poll") {
  const int port = free_loopback_port();
  const std::string token = capsync::capsule::rest_hook_token(capsync::Secret(std::string(kCapsuleClientSecret)), "acme");
  auto world = hooked_world(port, hook_target(port, token));
  world->start_daemon();
  const auto acme = world->remote_id("c-1");
  REQUIRE(world->binding_of_contact(acme) == "11");

  REQUIRE(world->capsule("PUT", "/parties/11",
                         R"({"party":{"emailAddresses":[{"type":"Work","address":"ap@acme.test"}]}})")
              .status == 200);
  const bool arrived = wait_until(
      [&] {
        const auto book = world->remote(world->state());
        const auto* contact = book.find(acme);
        return contact != nullptr && contact->email == "ap@acme.test";
      },
      30s);
  INFO(world->daemon_log());
  CHECK(arrived);
}

TEST_CASE("R26 a Capsule hook delivery with a forged token is refused and changes nothing") {
  const int port = free_loopback_port();
  const std::string forged = capsync::capsule::rest_hook_token(capsync::Secret("not-the-app-secret"), "acme");
  auto world = hooked_world(port, hook_target(port, forged));
  world->start_daemon();
  const auto acme = world->remote_id("c-1");
  REQUIRE(world->capsule("PUT", "/parties/11",
                         R"({"party":{"emailAddresses":[{"type":"Work","address":"ap@acme.test"}]}})")
              .status == 200);
  // The listener records the delivery as forged (401) and queues no refresh.
  const bool refused = wait_until(
      [&] {
        return world->query_rows("SELECT COUNT(*) FROM webhook_deliveries WHERE source = 'capsule' AND "
                                 "outcome = 'forged'")[0][0] != "0";
      },
      20s);
  INFO(world->daemon_log());
  CHECK(refused);
  CHECK(world->query_rows("SELECT COUNT(*) FROM webhook_refresh")[0][0] == "0");
  CHECK(world->query_rows("SELECT COUNT(*) FROM webhook_deliveries WHERE outcome = 'accepted'")[0][0] == "0");
  const auto book = world->remote(world->state());
  const auto* contact = book.find(acme);
  REQUIRE(contact);
  CHECK(contact->email != "ap@acme.test");
}
