// Linking and import (R1-R5, R13, R17), end to end for every provider of the conformance
// suite: the real capsyncd against the sandbox, each scenario from a small hand-written seed,
// checking both sides' final state.

#include <algorithm>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test/scenario/conformance.hpp"
#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

TEST_CASE("R1 exact-name link: trimmed, NFC-normalised names link to the existing party") {
  FOR_EACH_PROVIDER();
  Seed seed(provider);
  seed.party(organisation(11, "Acme Ltd"))
      .party(organisation(12, "Caf\u00e9 Zo\u00eb"))  // NFC, as typed on one keyboard
      .party(person(13, "Ana", "Lima"))
      .contact(org_contact("c-1", "  Acme Ltd "))
      .contact(org_contact("c-2", "Cafe\u0301 Zoe\u0308"))  // NFD, as typed on another
      .contact(person_contact("c-3", "Ana", "Lima"))
      .invoice(sales_invoice("c-1", "INV-1", "10.00", 10))
      .invoice(sales_invoice("c-2", "INV-2", "20.00", 10))
      .invoice(sales_invoice("c-3", "INV-3", "30.00", 10));
  SyncWorld world(seed);
  world.start_daemon();

  CHECK(world.binding_of_contact(world.remote_id("c-1")) == "11");
  CHECK(world.binding_of_contact(world.remote_id("c-2")) == "12");
  CHECK(world.binding_of_contact(world.remote_id("c-3")) == "13");
  const auto state = world.state();
  CHECK(state.parties().Size() == 3);  // linked, nothing created
  CHECK(world.remote(state).size() == 3);
  for (const auto& b : world.bindings()) CHECK_FALSE(b.created_by_us);
  CHECK(world.conflicts().empty());
}

TEST_CASE("R1 normalized matching is opt-in: case, inner spaces and legal suffixes fold only when configured") {
  FOR_EACH_PROVIDER();
  auto seed = [&] {
    Seed s(provider);
    s.party(organisation(11, "Globex Corporation"))
        .party(organisation(12, "Initech Ltd"))
        .party(organisation(13, "Umbrella Group"))
        .contact(org_contact("c-1", "GLOBEX corporation"))
        .contact(org_contact("c-2", "Initech Limited"))
        .contact(org_contact("c-3", "Umbrella   Group"))
        .invoice(sales_invoice("c-1", "INV-1", "10.00", 10))
        .invoice(sales_invoice("c-2", "INV-2", "20.00", 10))
        .invoice(sales_invoice("c-3", "INV-3", "30.00", 10));
    return s;
  };
  {
    WorldOptions options;
    options.sync_yaml = "matching: normalized";
    SyncWorld world(seed(), options);
    world.start_daemon();
    CHECK(world.binding_of_contact(world.remote_id("c-1")) == "11");
    CHECK(world.binding_of_contact(world.remote_id("c-2")) == "12");
    CHECK(world.binding_of_contact(world.remote_id("c-3")) == "13");
    CHECK(world.state().parties().Size() == 3);
  }
  {
    SyncWorld world(seed());  // matching: exact (the default)
    world.start_daemon();
    // Nothing folded: no contact is linked to the party its name only resembles; each
    // near-duplicate is reported for a person to decide (R17), none is created over it.
    const auto conflicts = world.conflicts();
    for (const char* key : {"c-1", "c-2", "c-3"}) {
      const auto id = world.remote_id(key);
      INFO(id);
      const auto party = world.binding_of_contact(id);
      CHECK((!party || (*party != "11" && *party != "12" && *party != "13")));
      CHECK(std::count_if(conflicts.begin(), conflicts.end(), [&](const ConflictRow& c) {
              return c.kind == "near_duplicate" && c.remote_id == id;
            }) == 1);
    }
    const auto state = world.state();
    CHECK(state.party_named("Globex Corporation") != nullptr);  // untouched
    CHECK(state.parties_named("GLOBEX corporation").empty());
  }
}

TEST_CASE("R2 missing party is created (organisation or person), an ambiguous name links and creates nothing") {
  FOR_EACH_PROVIDER();
  Seed seed(provider);
  seed.party(person(21, "Sam", "Smith"))
      .party(person(22, "Sam", "Smith"))
      .contact(org_contact("c-1", "Gamma Org"))
      .contact(person_contact("c-2", "Dana", "Reed"))
      .contact(org_contact("c-3", "Ito Consulting").contact_person("Kim", "Ito"))
      .contact(person_contact("c-4", "Sam", "Smith"))
      .invoice(sales_invoice("c-1", "INV-1", "10.00", 10))
      .invoice(sales_invoice("c-2", "INV-2", "20.00", 10))
      .invoice(sales_invoice("c-3", "INV-3", "30.00", 10))
      .invoice(sales_invoice("c-4", "INV-4", "40.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  const auto state = world.state();

  const auto* gamma = state.party_named("Gamma Org");
  REQUIRE(gamma);
  CHECK(text_of(*gamma, "type") == "organisation");
  CHECK(world.binding_of_contact(world.remote_id("c-1")) == id_of(gamma));

  const auto* dana = state.party_named("Dana Reed");
  REQUIRE(dana);
  CHECK(text_of(*dana, "type") == "person");
  CHECK(text_of(*dana, "firstName") == "Dana");
  CHECK(text_of(*dana, "lastName") == "Reed");
  CHECK(world.binding_of_contact(world.remote_id("c-2")) == id_of(dana));

  const auto* ito = state.party_named("Ito Consulting");  // a person at a company: the company
  REQUIRE(ito);
  CHECK(text_of(*ito, "type") == "organisation");
  CHECK(world.binding_of_contact(world.remote_id("c-3")) == id_of(ito));
  for (const auto& b : world.bindings()) CHECK(b.created_by_us);

  CHECK(state.parties_named("Sam Smith").size() == 2);
  CHECK_FALSE(world.binding_of_contact(world.remote_id("c-4")));
  const auto conflicts = world.conflicts();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].kind == "ambiguous_match");
  CHECK(conflicts[0].remote_id == world.remote_id("c-4"));
  CHECK(conflicts[0].capsule_id == "21,22");
  CHECK(world.remote(state).size() == 4);  // nothing created on the provider's side
}

TEST_CASE("R3 who qualifies: Xero only contacts with a non-draft invoice (bills count), elsewhere every "
          "customer and supplier, never an archived contact") {
  FOR_EACH_PROVIDER();
  Seed seed(provider);
  seed.contact(org_contact("c-1", "Draft Only Ltd"))
      .contact(org_contact("c-2", "Archived Co").archive())
      .contact(org_contact("c-3", "Bill Supplier Ltd").supplier_only())
      .contact(org_contact("c-4", "Voided Ltd"))
      .contact(org_contact("c-5", "No Invoices Ltd"))
      .contact(org_contact("c-6", "Customer Ltd"))
      .contact(org_contact("c-7", "Paid Ltd"))
      .invoice(sales_invoice("c-1", "INV-1", "10.00", 10).draft())
      .invoice(sales_invoice("c-2", "INV-2", "20.00", 10))
      .invoice(sales_invoice("c-3", "BILL-1", "30.00", 10).bill())
      .invoice(sales_invoice("c-4", "INV-4", "40.00", 10).voided())
      .invoice(sales_invoice("c-6", "INV-6", "60.00", 10))
      .invoice(sales_invoice("c-7", "INV-7", "70.00", -10).paid());
  SyncWorld world(seed);
  world.start_daemon();
  const auto state = world.state();

  std::vector<const char*> imported{"Bill Supplier Ltd", "Customer Ltd", "Paid Ltd"};
  std::vector<const char*> left{"Archived Co"};
  for (const char* name : {"Draft Only Ltd", "Voided Ltd", "No Invoices Ltd"})
    (world.kit().has(Trait::invoice_needed_to_qualify) ? left : imported).push_back(name);
  for (const char* name : imported) {
    INFO(name);
    CHECK(state.party_named(name) != nullptr);
  }
  for (const char* name : left) {
    INFO(name);
    CHECK(state.parties_named(name).empty());
  }
  CHECK(state.parties().Size() == imported.size());
  CHECK(world.bindings().size() == imported.size());
  CHECK(world.binding_of_contact(world.remote_id("c-3")));
  CHECK_FALSE(world.binding_of_contact(world.remote_id("c-2")));
  // The supplier qualified; whether its bills are shown follows R6 (not by default).
  const auto* supplier = state.party_named("Bill Supplier Ltd");
  REQUIRE(supplier);
  CHECK_FALSE(SandboxState::field(*supplier, "Outstanding"));
  CHECK(world.remote(state).size() == 7);
}

TEST_CASE("R4 created parties go to the default team, or stay unassigned, and get no owner") {
  FOR_EACH_PROVIDER();
  auto seed = [&] {
    Seed s(provider);
    s.contact(org_contact("c-1", "Team Org")).invoice(sales_invoice("c-1", "INV-1", "10.00", 10));
    return s;
  };
  {
    WorldOptions options;
    options.sync_yaml = "default_team: Accounts";
    SyncWorld world(seed(), options);
    world.start_daemon();
    const auto state = world.state();
    const auto* party = state.party_named("Team Org");
    REQUIRE(party);
    REQUIRE((*party)["team"].IsObject());
    CHECK((*party)["team"]["id"].GetInt64() == 2);
    CHECK((*party)["owner"].IsNull());
  }
  {
    SyncWorld world(seed());
    world.start_daemon();
    const auto state = world.state();
    const auto* party = state.party_named("Team Org");
    REQUIRE(party);
    CHECK((*party)["team"].IsNull());
    CHECK((*party)["owner"].IsNull());
  }
}

TEST_CASE("R5 a contact added in the accounting service after the first sync is linked at the next sync") {
  FOR_EACH_PROVIDER();
  Seed seed(provider);
  seed.party(organisation(11, "First Ltd"))
      .party(organisation(12, "Second Ltd"))
      .contact(org_contact("c-1", "First Ltd"))
      .invoice(sales_invoice("c-1", "INV-1", "10.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  REQUIRE(world.binding_of_contact(world.remote_id("c-1")) == "11");

  auto& kit = world.kit();
  const std::string contact_id = kit.create_contact(org_contact("", "Second Ltd"));
  // Where the sandbox takes invoice writes, the new contact gets one (Xero needs it, R3).
  const bool invoiced = kit.has(Trait::invoice_writes);
  if (invoiced) kit.create_invoice(contact_id, "INV-2", 1, "25.00", 14);
  world.sync();

  CHECK(world.binding_of_contact(contact_id) == "12");
  const auto state = world.state();
  CHECK(state.parties().Size() == 2);
  const auto* second = state.party(12);
  REQUIRE(second);
  if (invoiced) CHECK(SandboxState::field(*second, "Outstanding") == "25.00 GBP");
  else CHECK_FALSE(SandboxState::field(*second, "Outstanding"));
}

TEST_CASE("R17 a contact Capsule refuses is reported with its id and the rest of the sync goes on") {
  FOR_EACH_PROVIDER();
  Seed seed(provider);
  seed.contact(org_contact("c-1", "Refused Ltd").with_address("1 Road", "Leeds", "Narnia"))
      .contact(org_contact("c-2", "Fine Ltd"))
      .invoice(sales_invoice("c-1", "INV-1", "10.00", 10))
      .invoice(sales_invoice("c-2", "INV-2", "20.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  const auto state = world.state();
  CHECK(state.party_named("Fine Ltd") != nullptr);
  CHECK(state.parties_named("Refused Ltd").empty());  // Capsule has no country "Narnia": 422
  const auto id = world.remote_id("c-1");
  auto refused = [&] {
    const auto conflicts = world.conflicts();
    return std::count_if(conflicts.begin(), conflicts.end(),
                         [&](const ConflictRow& c) { return c.kind == "refused_by_api" && c.remote_id == id; });
  };
  CHECK(refused() == 1);
  CHECK(world.daemon_log().find(id) != std::string::npos);
  world.sync();
  CHECK(refused() == 1);  // reported once, not again at every sync
}
