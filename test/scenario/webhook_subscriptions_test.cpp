// R25, R26 at the daemon: with webhooks.public_url, capsyncd subscribes a connection's Capsule
// REST hooks once it reaches Capsule through the registered app, and registers its FreshBooks
// callbacks, as jobs off the start path; a restart adds none, a reload that disables the
// connection removes them all, and an account whose 20 hook slots are full shows in status.

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "connectors/capsule/rest_hooks.hpp"
#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

// The sandbox's Capsule app, the webhook listener on `port` and public_url pointing at it (the
// sandbox posts deliveries there as Capsule would through the operator's proxy).
WorldOptions hooked_options(int port) {
  WorldOptions options;
  options.capsule_oauth_redirect = "http://127.0.0.1:8765/callback";
  options.extra_yaml = fmt::format("webhooks:\n  listen: 127.0.0.1:{0}\n  public_url: http://127.0.0.1:{0}/\n", port);
  return options;
}

Seed acme_seed(std::string_view provider = "xero") {
  Seed seed{provider};
  seed.party(organisation(11, "Acme Ltd"));
  // A customer (an invoice makes a Xero contact one, R3), so the party links to it.
  if (provider == "xero") seed.contact(xero_contact("c-1", "Acme Ltd")).invoice(xero_invoice("c-1", "INV-1", "120.00", 10));
  return seed;
}

// capsync's hooks of acme as the sandbox holds them: (event, target URL).
std::vector<std::pair<std::string, std::string>> acme_hooks(const SyncWorld& world) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto state = world.state();
  for (const auto& hook : state.doc()["capsule"]["restHooks"].GetArray())
    if (text_of(hook, "description") == "capsync acme") out.emplace_back(text_of(hook, "event"), text_of(hook, "targetUrl"));
  std::sort(out.begin(), out.end());
  return out;
}

// The FreshBooks callbacks registered for acme's URL (its path token follows the name).
std::vector<std::string> acme_callbacks(const SyncWorld& world, int port) {
  const std::string prefix = fmt::format("http://127.0.0.1:{}/webhooks/freshbooks/acme/", port);
  std::vector<std::string> out;
  const auto state = world.state();
  for (const auto& c : state.doc()["freshbooks"]["callbacks"]["registered"].GetArray())
    if (const std::string uri = text_of(c, "uri"); uri.starts_with(prefix) && uri.size() > prefix.size())
      out.push_back(text_of(c, "event"));
  std::sort(out.begin(), out.end());
  return out;
}

std::string acme_target(int port) {
  const std::string token = capsync::capsule::rest_hook_token(capsync::Secret(std::string(kCapsuleClientSecret)), "acme");
  return fmt::format("http://127.0.0.1:{}/webhooks/capsule/acme/{}", port, token);
}

// The connection's "webhooks" state in status --json; "" when there is none.
std::string webhooks_state(const SyncWorld& world) {
  const auto status = world.status();
  const auto& c = status["connections"][0];
  if (!c.HasMember("webhooks") || !c["webhooks"].IsObject()) return "";
  return text_of(c["webhooks"], "state");
}

// How many webhooks_subscribe jobs of acme have finished.
int subscribe_jobs_done(const SyncWorld& world) {
  return std::stoi(world.query_rows("SELECT COUNT(*) FROM jobs WHERE kind = 'webhooks_subscribe' AND connection = "
                                    "'acme' AND state = 'done'")[0][0]);
}

}  // namespace

TEST_CASE("R26 an OAuth Capsule connection with a public_url gets its REST hooks once, and a restart adds none") {
  const int port = free_loopback_port();
  SyncWorld world(acme_seed(), hooked_options(port));
  world.start_daemon();
  // On the personal token: Capsule refuses hooks to it, so nothing is subscribed; status says why.
  REQUIRE(wait_until([&] { return subscribe_jobs_done(world) >= 1; }, 30s));
  CHECK(acme_hooks(world).empty());
  CHECK(webhooks_state(world) == "waiting_for_connect");

  // The sync `connect` queues is held in its Xero invoice listing, after it has read Capsule.
  REQUIRE(world
              .admin("POST", "/_admin/faults",
                     R"({"prefix":"/xero/api.xro/2.0/Invoices","method":"GET","kind":"delay","delay_ms":10000})")
              .status == 200);
  world.clear_requests();
  world.reconnect(/*capsule=*/true);
  const std::vector<std::pair<std::string, std::string>> expected{{"party/created", acme_target(port)},
                                                                 {"party/deleted", acme_target(port)},
                                                                 {"party/updated", acme_target(port)}};
  const bool subscribed = wait_until([&] { return acme_hooks(world) == expected; }, 30s);
  INFO(world.daemon_log());
  REQUIRE(subscribed);
  REQUIRE(wait_until([&] { return webhooks_state(world) == "subscribed"; }, 10s));

  // The hook works: a Capsule edit made while that sync runs, as a user would, reaches Xero
  // long before the hour-long poll.
  const bool held = wait_until(
      [&] {
        for (const auto& r : world.requests())
          if (r.method == "GET" && r.path == "/xero/api.xro/2.0/Invoices") return true;
        return false;
      },
      30s);
  REQUIRE(held);
  const auto acme = world.remote_id("c-1");
  REQUIRE(world.binding_of_contact(acme) == "11");
  REQUIRE(world.capsule("PUT", "/parties/11",
                        R"({"party":{"emailAddresses":[{"type":"Work","address":"ap@acme.test"}]}})")
              .status == 200);
  // Made while the sync still ran (its invoice listing is held for 10 s).
  CHECK(world.query_rows("SELECT COUNT(*) FROM jobs WHERE kind = 'pull' AND connection = 'acme' AND state = "
                         "'running'")[0][0] == "1");
  const bool arrived = wait_until(
      [&] {
        const auto book = world.remote(world.state());
        const auto* contact = book.find(acme);
        return contact != nullptr && contact->email == "ap@acme.test";
      },
      30s);
  INFO(world.daemon_log());
  CHECK(arrived);

  world.restart_daemon();
  REQUIRE(wait_until([&] { return subscribe_jobs_done(world) >= 3; }, 30s));  // start, connect, restart
  CHECK(acme_hooks(world) == expected);
  CHECK(world.query_rows("SELECT COUNT(*) FROM jobs WHERE kind = 'webhooks_subscribe' AND state != 'done'")[0][0] == "0");
}

TEST_CASE("R25 R26 a reload that disables the connection removes its Capsule hooks and FreshBooks callbacks") {
  const int port = free_loopback_port();
  SyncWorld world(acme_seed("freshbooks"), hooked_options(port));
  world.start_daemon();
  world.reconnect(/*capsule=*/true);
  const bool subscribed =
      wait_until([&] { return acme_hooks(world).size() == 3 && acme_callbacks(world, port).size() == 9; }, 30s);
  INFO(world.daemon_log());
  REQUIRE(subscribed);
  CHECK(acme_callbacks(world, port) ==
        std::vector<std::string>{"client.create", "client.delete", "client.update", "estimate.create", "estimate.delete",
                                 "estimate.update", "invoice.create", "invoice.delete", "invoice.update"});

  world.options().enabled = false;
  world.reload_daemon();
  const bool removed =
      wait_until([&] { return acme_hooks(world).empty() && acme_callbacks(world, port).empty(); }, 30s);
  INFO(world.daemon_log());
  CHECK(removed);
}

TEST_CASE("R26 a Capsule account whose 20 hook slots are full shows on the connection's status line") {
  const int port = free_loopback_port();
  Seed seed = acme_seed();
  // Zapier and friends hold every slot.
  for (int i = 0; i < 20; ++i)
    seed.rest_hook(fmt::format(R"({{"event":"party/updated","targetUrl":"https://hooks.zapier.test/{}",)"
                               R"("description":"zap {}","clientId":"zapier"}})",
                               i, i));
  SyncWorld world(seed, hooked_options(port));
  world.start_daemon();
  world.reconnect(/*capsule=*/true);
  const bool reported = wait_until([&] { return webhooks_state(world) == "slots_full"; }, 30s);
  INFO(world.daemon_log());
  REQUIRE(reported);
  CHECK(world.daemon_running());
  CHECK(acme_hooks(world).empty());
  const auto text = world.ctl({"status"});
  INFO(text.output);
  CHECK(text.output.find("webhooks: Capsule hook slots full: party/created, party/updated, party/deleted not "
                         "subscribed") != std::string::npos);
  // Syncing goes on by polling.
  CHECK(world.daemon_log().find("Failed to subscribe Capsule hooks for acme: the account's 20 REST hook slots are "
                                "full") != std::string::npos);
  world.sync();
}

TEST_CASE("R26 Capsule failing the hook subscription is logged and retried with the queue's backoff") {
  const int port = free_loopback_port();
  WorldOptions options = hooked_options(port);
  options.extra_yaml += "queue:\n  backoff: 1s\n";
  SyncWorld world(acme_seed(), options);
  world.start_daemon();
  REQUIRE(world
              .admin("POST", "/_admin/faults",
                     R"({"prefix":"/capsule/api/v2/resthooks","method":"GET","kind":"status","status":500,"count":8})")
              .status == 200);
  world.reconnect(/*capsule=*/true);
  const bool subscribed = wait_until([&] { return acme_hooks(world).size() == 3; }, 60s);
  INFO(world.daemon_log());
  REQUIRE(subscribed);
  CHECK(world.daemon_log().find("Failed to subscribe Capsule hooks for acme: ") != std::string::npos);
  const auto attempts = world.query_rows(
      "SELECT MAX(attempts) FROM jobs WHERE kind = 'webhooks_subscribe' AND connection = 'acme' AND state = 'done'");
  CHECK(std::stoi(attempts[0][0]) > 1);
}

TEST_CASE("R16 R26 capsyncctl disable removes the Capsule hooks and enable subscribes them again") {
  const int port = free_loopback_port();
  SyncWorld world(acme_seed(), hooked_options(port));
  world.start_daemon();
  world.reconnect(/*capsule=*/true);
  REQUIRE(wait_until([&] { return acme_hooks(world).size() == 3; }, 30s));
  const auto disabled = world.ctl({"disable", "--yes", "acme"});
  INFO(disabled.output);
  REQUIRE(disabled.exit_code == 0);
  const bool removed = wait_until([&] { return acme_hooks(world).empty(); }, 30s);
  INFO(world.daemon_log());
  CHECK(removed);
  world.wait_settled();
  REQUIRE(world.ctl({"enable", "acme"}).exit_code == 0);
  CHECK(wait_until([&] { return acme_hooks(world).size() == 3; }, 30s));
}
