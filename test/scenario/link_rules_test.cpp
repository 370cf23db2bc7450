// Linking and import (R1-R5, R13, R17), end to end: the real capsyncd against the sandbox,
// each scenario from a small hand-written seed, checking both sides' final state.

#include <algorithm>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;


TEST_CASE("R1 exact-name link: trimmed, NFC-normalised names link to the existing party") {
  Seed seed;
  seed.party(organisation(11, "Acme Ltd"))
      .party(organisation(12, "Caf\u00e9 Zo\u00eb"))  // NFC, as typed on one keyboard
      .party(person(13, "Ana", "Lima"))
      .contact(xero_contact("c-1", "  Acme Ltd "))
      .contact(xero_contact("c-2", "Cafe\u0301 Zoe\u0308"))  // NFD, as typed on another
      .contact(xero_contact("c-3", "Ana Lima", R"("FirstName":"Ana","LastName":"Lima")"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10))
      .invoice(xero_invoice("c-2", "INV-2", "20.00", 10))
      .invoice(xero_invoice("c-3", "INV-3", "30.00", 10));
  SyncWorld world(seed);
  world.start_daemon();

  CHECK(world.binding_of_contact("c-1") == "11");
  CHECK(world.binding_of_contact("c-2") == "12");
  CHECK(world.binding_of_contact("c-3") == "13");
  const auto state = world.state();
  CHECK(state.parties().Size() == 3);  // linked, nothing created
  for (const auto& b : world.bindings()) CHECK_FALSE(b.created_by_us);
  CHECK(world.conflicts().empty());
}

TEST_CASE("R1 normalized matching is opt-in: case, inner spaces and legal suffixes fold only when configured") {
  auto seed = [] {
    Seed s;
    s.party(organisation(11, "Globex Corporation"))
        .party(organisation(12, "Initech Ltd"))
        .party(organisation(13, "Umbrella Group"))
        .contact(xero_contact("c-1", "GLOBEX corporation"))
        .contact(xero_contact("c-2", "Initech Limited"))
        .contact(xero_contact("c-3", "Umbrella   Group"))
        .invoice(xero_invoice("c-1", "INV-1", "10.00", 10))
        .invoice(xero_invoice("c-2", "INV-2", "20.00", 10))
        .invoice(xero_invoice("c-3", "INV-3", "30.00", 10));
    return s;
  };
  {
    WorldOptions options;
    options.sync_yaml = "matching: normalized";
    SyncWorld world(seed(), options);
    world.start_daemon();
    CHECK(world.binding_of_contact("c-1") == "11");
    CHECK(world.binding_of_contact("c-2") == "12");
    CHECK(world.binding_of_contact("c-3") == "13");
    CHECK(world.state().parties().Size() == 3);
  }
  {
    SyncWorld world(seed());  // matching: exact (the default)
    world.start_daemon();
    // Nothing folded: no contact is linked to the party its name only resembles; each
    // near-duplicate is reported for a person to decide (R17), none is created over it.
    const auto conflicts = world.conflicts();
    for (const char* id : {"c-1", "c-2", "c-3"}) {
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
  Seed seed;
  seed.party(person(21, "Sam", "Smith"))
      .party(person(22, "Sam", "Smith"))
      .contact(xero_contact("c-1", "Gamma Org"))
      .contact(xero_contact("c-2", "Dana Reed", R"("FirstName":"Dana","LastName":"Reed")"))
      .contact(xero_contact("c-3", "Ito Consulting", R"("FirstName":"Kim","LastName":"Ito")"))
      .contact(xero_contact("c-4", "Sam Smith", R"("FirstName":"Sam","LastName":"Smith")"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10))
      .invoice(xero_invoice("c-2", "INV-2", "20.00", 10))
      .invoice(xero_invoice("c-3", "INV-3", "30.00", 10))
      .invoice(xero_invoice("c-4", "INV-4", "40.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  const auto state = world.state();

  const auto* gamma = state.party_named("Gamma Org");
  REQUIRE(gamma);
  CHECK(text_of(*gamma, "type") == "organisation");
  CHECK(world.binding_of_contact("c-1") == id_of(gamma));

  const auto* dana = state.party_named("Dana Reed");
  REQUIRE(dana);
  CHECK(text_of(*dana, "type") == "person");
  CHECK(text_of(*dana, "firstName") == "Dana");
  CHECK(text_of(*dana, "lastName") == "Reed");
  CHECK(world.binding_of_contact("c-2") == id_of(dana));

  const auto* ito = state.party_named("Ito Consulting");  // a person at a company: the company
  REQUIRE(ito);
  CHECK(text_of(*ito, "type") == "organisation");
  CHECK(world.binding_of_contact("c-3") == id_of(ito));
  for (const auto& b : world.bindings()) CHECK(b.created_by_us);

  CHECK(state.parties_named("Sam Smith").size() == 2);
  CHECK_FALSE(world.binding_of_contact("c-4"));
  const auto conflicts = world.conflicts();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].kind == "ambiguous_match");
  CHECK(conflicts[0].remote_id == "c-4");
  CHECK(conflicts[0].capsule_id == "21,22");
}

TEST_CASE("R3 only contacts with a non-draft invoice are imported (bills count), not drafts, voided or archived") {
  Seed seed;
  seed.contact(xero_contact("c-1", "Draft Only Ltd"))
      .contact(xero_contact("c-2", "Archived Co", R"("ContactStatus":"ARCHIVED")"))
      .contact(xero_contact("c-3", "Bill Supplier Ltd"))
      .contact(xero_contact("c-4", "Voided Ltd"))
      .contact(xero_contact("c-5", "No Invoices Ltd"))
      .contact(xero_contact("c-6", "Customer Ltd"))
      .contact(xero_contact("c-7", "Paid Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10, R"("Status":"DRAFT")"))
      .invoice(xero_invoice("c-2", "INV-2", "20.00", 10))
      .invoice(xero_invoice("c-3", "BILL-1", "30.00", 10, R"("Type":"ACCPAY")"))
      .invoice(xero_invoice("c-4", "INV-4", "40.00", 10, R"("Status":"VOIDED")"))
      .invoice(xero_invoice("c-6", "INV-6", "60.00", 10))
      .invoice(xero_invoice("c-7", "INV-7", "70.00", -10, R"("Status":"PAID")"));
  SyncWorld world(seed);
  world.start_daemon();
  const auto state = world.state();

  for (const char* name : {"Bill Supplier Ltd", "Customer Ltd", "Paid Ltd"}) {
    INFO(name);
    CHECK(state.party_named(name) != nullptr);
  }
  for (const char* name : {"Draft Only Ltd", "Archived Co", "Voided Ltd", "No Invoices Ltd"}) {
    INFO(name);
    CHECK(state.parties_named(name).empty());
  }
  CHECK(state.parties().Size() == 3);
  CHECK(world.bindings().size() == 3);
  CHECK(world.binding_of_contact("c-3"));
  // The bill made its contact qualify; whether it is shown follows R6 (not by default).
  const auto* supplier = state.party_named("Bill Supplier Ltd");
  REQUIRE(supplier);
  CHECK_FALSE(SandboxState::field(*supplier, "Outstanding"));
}

TEST_CASE("R4 created parties go to the default team, or stay unassigned, and get no owner") {
  auto seed = [] {
    Seed s;
    s.contact(xero_contact("c-1", "Team Org")).invoice(xero_invoice("c-1", "INV-1", "10.00", 10));
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

TEST_CASE("R5 a contact added in Xero after the first sync is linked at the next sync") {
  Seed seed;
  seed.party(organisation(11, "First Ltd"))
      .party(organisation(12, "Second Ltd"))
      .contact(xero_contact("c-1", "First Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  REQUIRE(world.binding_of_contact("c-1") == "11");

  auto created = world.xero("PUT", "/Contacts", R"({"Contacts":[{"Name":"Second Ltd"}]})");
  REQUIRE(created.status == 200);
  const std::string contact_id = created.json()["Contacts"][0]["ContactID"].GetString();
  auto invoice = world.xero("PUT", "/Invoices", fmt::format(R"({{"Invoices":[{{"Type":"ACCREC","Status":"AUTHORISED",)"
                                                            R"("Contact":{{"ContactID":"{}"}},"DueDate":"{}",)"
                                                            R"("LineItems":[{{"Description":"Work","Quantity":1,)"
                                                            R"("UnitAmount":25.00,"AccountCode":"200"}}]}}]}})",
                                                            contact_id, utc_date(14)));
  REQUIRE(invoice.status == 200);
  world.sync();

  CHECK(world.binding_of_contact(contact_id) == "12");
  const auto state = world.state();
  CHECK(state.parties().Size() == 2);
  const auto* second = state.party(12);
  REQUIRE(second);
  CHECK(SandboxState::field(*second, "Outstanding") == "25.00 GBP");
}

TEST_CASE("R17 a contact Capsule refuses is reported with its id and the rest of the sync goes on") {
  Seed seed;
  seed.contact(xero_contact("c-1", "Refused Ltd",
                            R"("Addresses":[{"AddressType":"POBOX","AddressLine1":"1 Road","City":"Leeds",)"
                            R"("Country":"Narnia"}])"))
      .contact(xero_contact("c-2", "Fine Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10))
      .invoice(xero_invoice("c-2", "INV-2", "20.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  const auto state = world.state();
  CHECK(state.party_named("Fine Ltd") != nullptr);
  CHECK(state.parties_named("Refused Ltd").empty());  // Capsule has no country "Narnia": 422
  auto refused = [&] {
    const auto conflicts = world.conflicts();
    return std::count_if(conflicts.begin(), conflicts.end(),
                         [](const ConflictRow& c) { return c.kind == "refused_by_api" && c.remote_id == "c-1"; });
  };
  CHECK(refused() == 1);
  CHECK(world.daemon_log().find("c-1") != std::string::npos);
  world.sync();
  CHECK(refused() == 1);  // reported once, not again at every sync
}
