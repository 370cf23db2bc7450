// R10, R11, R23: a Capsule edit made while a sync runs reaches the accounting contact. The sync
// is held between its Capsule read and its summary write (the sandbox delays the Xero invoice
// listing); the edit lands in that window, so the summary write's answer carries it.

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kInvoices = "/xero/api.xro/2.0/Invoices";
constexpr std::string_view kParties = "/capsule/api/v2/parties";

Seed acme_seed() {
  Seed seed;
  seed.party(organisation(11, "Acme Ltd"));
  // A customer (an invoice makes a Xero contact one, R3), so the party links to it.
  seed.contact(xero_contact("c-1", "Acme Ltd")).invoice(xero_invoice("c-1", "INV-1", "120.00", 10));
  return seed;
}

// A second invoice for acme, so the next sync writes a new summary onto party 11.
void add_invoice(SyncWorld& world, const std::string& contact_id) {
  const auto invoice = world.xero(
      "PUT", "/Invoices",
      fmt::format(R"({{"Invoices":[{{"Type":"ACCREC","Status":"AUTHORISED","InvoiceNumber":"INV-2",)"
                  R"("Contact":{{"ContactID":"{}"}},"Date":"{}","DueDate":"{}",)"
                  R"("LineItems":[{{"Description":"Work","Quantity":1,"UnitAmount":30.00,"AccountCode":"200"}}]}}]}})",
                  contact_id, utc_date(-3), utc_date(20)));
  REQUIRE(invoice.status == 200);
}

// The sandbox's Capsule app and a webhook listener with public_url, so Capsule's REST hooks
// deliver each edit to capsyncd (R26).
WorldOptions hooked_options() {
  const int port = free_loopback_port();
  WorldOptions options;
  options.capsule_oauth_redirect = "http://127.0.0.1:8765/callback";
  options.extra_yaml = fmt::format("webhooks:\n  listen: 127.0.0.1:{0}\n  public_url: http://127.0.0.1:{0}/\n", port);
  return options;
}

// Starts capsyncd, connects Capsule through the app and waits until the hooks are subscribed and
// the syncs that queued have finished, with party 11 linked to c-1.
void start_hooked(SyncWorld& world) {
  world.start_daemon();
  world.reconnect(/*capsule=*/true);
  REQUIRE(wait_until([&] { return world.state().doc()["capsule"]["restHooks"].GetArray().Size() == 3; }, 30s));
  world.wait_settled();
  REQUIRE(world.binding_of_contact(world.remote_id("c-1")) == "11");
}

// Holds the next GET whose path starts with `prefix` for a while; the request log starts empty.
void hold_next(SyncWorld& world, std::string_view prefix) {
  REQUIRE(world
              .admin("POST", "/_admin/faults",
                     fmt::format(R"({{"prefix":"{}","method":"GET","kind":"delay","delay_ms":4000}})", prefix))
              .status == 200);
  world.clear_requests();
}

// Waits until the held GET of `path` reached the sandbox: its reader is in the middle.
void wait_held(SyncWorld& world, std::string_view path) {
  const bool held = wait_until(
      [&] {
        for (const auto& r : world.requests())
          if (r.method == "GET" && r.path == path) return true;
        return false;
      },
      30s);
  REQUIRE(held);
}

void edit_email(SyncWorld& world) {
  REQUIRE(world.capsule("PUT", "/parties/11",
                        R"({"party":{"emailAddresses":[{"type":"Work","address":"ap@acme.test"}]}})")
              .status == 200);
}

std::optional<std::string> outstanding(const SyncWorld& world) {
  const auto state = world.state();
  const auto* party = state.party(11);
  return party ? SandboxState::field(*party, "Outstanding") : std::nullopt;
}

bool contact_has_email(const SyncWorld& world, const std::string& contact_id) {
  const auto book = world.remote(world.state());
  const auto* contact = book.find(contact_id);
  return contact != nullptr && contact->email == "ap@acme.test";
}

}  // namespace

TEST_CASE("R10 R11 a Capsule edit made while a sync runs is pushed by the next poll") {
  SyncWorld world(acme_seed());
  world.start_daemon();
  world.wait_settled();
  const auto acme = world.remote_id("c-1");
  REQUIRE(world.binding_of_contact(acme) == "11");

  const auto before = outstanding(world);
  add_invoice(world, acme);
  hold_next(world, kInvoices);
  const auto job = world.sync_now();
  wait_held(world, kInvoices);
  edit_email(world);
  world.wait_settled({job});
  // The held sync wrote the new summary onto party 11 after the edit: Capsule answered with it.
  REQUIRE(outstanding(world) != before);

  world.sync();  // the next poll
  INFO(world.daemon_log());
  CHECK(contact_has_email(world, acme));
}

TEST_CASE("R10 R23 a Capsule edit made while a sync runs reaches the contact through the REST hook") {
  SyncWorld world(acme_seed(), hooked_options());
  start_hooked(world);
  const auto acme = world.remote_id("c-1");

  const auto before = outstanding(world);
  add_invoice(world, acme);
  hold_next(world, kInvoices);
  const auto job = world.sync_now();
  wait_held(world, kInvoices);
  edit_email(world);
  world.wait_settled({job});
  REQUIRE(outstanding(world) != before);

  // No further sync: the hook's refresh alone carries the edit.
  const bool arrived = wait_until([&] { return contact_has_email(world, acme); }, 30s);
  INFO(world.daemon_log());
  CHECK(arrived);
}

TEST_CASE("R23 a Capsule edit whose hook arrives while a refresh reads Capsule is refreshed too") {
  SyncWorld world(acme_seed(), hooked_options());
  start_hooked(world);
  const auto acme = world.remote_id("c-1");

  // The first edit's hook starts a refresh; its read of Capsule is held.
  hold_next(world, kParties);
  REQUIRE(world.capsule("PUT", "/parties/11", R"({"party":{"phoneNumbers":[{"type":"Work","number":"+44 20 7946 0000"}]}})")
              .status == 200);
  wait_held(world, kParties);
  // The second edit lands after that read was answered; its hook arrives while the refresh runs.
  edit_email(world);
  const bool arrived = wait_until([&] { return contact_has_email(world, acme); }, 30s);
  INFO(world.daemon_log());
  CHECK(arrived);
}
