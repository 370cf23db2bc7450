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

// Holds the next Xero invoice listing for a while, after the sync has read Capsule.
void hold_invoice_listing(SyncWorld& world) {
  REQUIRE(world
              .admin("POST", "/_admin/faults",
                     fmt::format(R"({{"prefix":"{}","method":"GET","kind":"delay","delay_ms":4000}})", kInvoices))
              .status == 200);
  world.clear_requests();
}

// Waits until the held listing reached the sandbox: the sync is in the middle.
void wait_held(SyncWorld& world) {
  const bool held = wait_until(
      [&] {
        for (const auto& r : world.requests())
          if (r.method == "GET" && r.path == kInvoices) return true;
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
  hold_invoice_listing(world);
  const auto job = world.sync_now();
  wait_held(world);
  edit_email(world);
  world.wait_settled({job});
  // The held sync wrote the new summary onto party 11 after the edit: Capsule answered with it.
  REQUIRE(outstanding(world) != before);

  world.sync();  // the next poll
  INFO(world.daemon_log());
  CHECK(contact_has_email(world, acme));
}

TEST_CASE("R10 R23 a Capsule edit made while a sync runs reaches the contact through the REST hook") {
  const int port = free_loopback_port();
  WorldOptions options;
  options.capsule_oauth_redirect = "http://127.0.0.1:8765/callback";
  options.extra_yaml = fmt::format("webhooks:\n  listen: 127.0.0.1:{0}\n  public_url: http://127.0.0.1:{0}/\n", port);
  SyncWorld world(acme_seed(), options);
  world.start_daemon();
  world.reconnect(/*capsule=*/true);
  REQUIRE(wait_until([&] { return world.state().doc()["capsule"]["restHooks"].GetArray().Size() == 3; }, 30s));
  world.wait_settled();
  const auto acme = world.remote_id("c-1");
  REQUIRE(world.binding_of_contact(acme) == "11");

  const auto before = outstanding(world);
  add_invoice(world, acme);
  hold_invoice_listing(world);
  const auto job = world.sync_now();
  wait_held(world);
  edit_email(world);
  world.wait_settled({job});
  REQUIRE(outstanding(world) != before);

  // No further sync: the hook's refresh alone carries the edit.
  const bool arrived = wait_until([&] { return contact_has_email(world, acme); }, 30s);
  INFO(world.daemon_log());
  CHECK(arrived);
}
