// Export and disabling (R12, R13 on export, R16), end to end: Capsule parties exported to Xero
// by tag or by `capsyncctl export`, and `capsyncctl disable` cleaning up what capsync wrote.

#include <algorithm>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

// Runs `capsyncctl --json args...`, which must enqueue a job, and waits until it settled.
void run_job(SyncWorld& world, const std::vector<std::string>& args) {
  std::vector<std::string> all{"--json"};
  all.insert(all.end(), args.begin(), args.end());
  const auto r = world.ctl(all);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  rapidjson::Document doc;
  doc.Parse(r.output.c_str());
  REQUIRE((doc.IsObject() && doc.HasMember("ok") && doc["ok"].GetBool() && doc.HasMember("job")));
  world.wait_settled({doc["job"].GetInt64()});
}

const char* kExportTag = "Export to Xero";

}  // namespace

TEST_CASE("R12 export by tag: a person alone as a person, a person in an organisation as that organisation") {
  Seed seed;
  seed.tag(R"({"id":81,"name":"Export to Xero","dataTag":false})")
      .party(person(41, "Pat", "Lee",
                    R"("emailAddresses":[{"type":"Home","address":"pat@lee.test"}],)"
                    R"("phoneNumbers":[{"type":"Mobile","number":"07700 900111"}],)"
                    R"("tags":[{"id":81,"name":"Export to Xero"}])"))
      .party(organisation(42, "Widget Co", R"("websites":[{"service":"URL","address":"https://widget.test"}])"))
      .party(person(43, "Kai", "Wu",
                    R"("organisation":{"id":42,"name":"Widget Co"},)"
                    R"("emailAddresses":[{"type":"Work","address":"kai@widget.test"}],)"
                    R"("tags":[{"id":81,"name":"Export to Xero"}])"))
      .party(organisation(44, "Untagged Ltd"));
  SyncWorld world(seed);
  world.start_daemon();
  world.sync();

  const auto state = world.state();
  const auto* pat = state.contact_named("Pat Lee");
  REQUIRE(pat);
  CHECK(text_of(*pat, "FirstName") == "Pat");
  CHECK(text_of(*pat, "LastName") == "Lee");
  CHECK(text_of(*pat, "EmailAddress") == "pat@lee.test");
  CHECK(world.binding_of_contact(text_of(*pat, "ContactID")) == "41");

  const auto* widget = state.contact_named("Widget Co");  // B2B: the organisation, Kai as its contact person
  REQUIRE(widget);
  CHECK(text_of(*widget, "FirstName") == "Kai");
  CHECK(text_of(*widget, "LastName") == "Wu");
  CHECK(text_of(*widget, "EmailAddress") == "kai@widget.test");
  CHECK(world.binding_of_contact(text_of(*widget, "ContactID")) == "42");
  CHECK(state.contacts_named("Kai Wu").empty());

  CHECK(state.contacts_named("Untagged Ltd").empty());
  CHECK(state.contacts().Size() == 2);
  for (std::int64_t id : {41, 43}) {
    INFO(id);
    const auto* party = state.party(id);
    REQUIRE(party);
    CHECK_FALSE(SandboxState::has_tag(*party, kExportTag));  // done
  }
}

TEST_CASE("R12 capsyncctl export sends one unlinked party with its details") {
  Seed seed;
  seed.party(organisation(51, "Solo Ltd",
                          R"("emailAddresses":[{"type":"Work","address":"hello@solo.test"}],)"
                          R"("phoneNumbers":[{"type":"Work","number":"0113 496 0999"}],)"
                          R"("addresses":[{"type":"Office","street":"2 Park Row","city":"Leeds","zip":"LS1 5HD",)"
                          R"("country":"United Kingdom"}])"))
      .party(organisation(52, "Other Ltd"));
  SyncWorld world(seed);
  world.start_daemon();
  run_job(world, {"export", std::string(kConnection), "51"});

  const auto state = world.state();
  const auto* solo = state.contact_named("Solo Ltd");
  REQUIRE(solo);
  CHECK(text_of(*solo, "EmailAddress") == "hello@solo.test");
  bool phone = false, address = false;
  for (const auto& p : (*solo)["Phones"].GetArray())
    phone |= (text_of(p, "PhoneAreaCode") + text_of(p, "PhoneNumber")).find("496") != std::string::npos;
  for (const auto& a : (*solo)["Addresses"].GetArray())
    address |= text_of(a, "AddressLine1") == "2 Park Row" && text_of(a, "City") == "Leeds";
  CHECK(phone);
  CHECK(address);
  CHECK(world.binding_of_contact(text_of(*solo, "ContactID")) == "51");
  CHECK(state.contacts().Size() == 1);  // only the party asked for

  // Exporting it again creates nothing more.
  world.clear_requests();
  run_job(world, {"export", std::string(kConnection), "51"});
  CHECK(world.state().contacts_named("Solo Ltd").size() == 1);
  for (const auto& w : world.writes()) CHECK(w.provider != "xero");
}

TEST_CASE("R13 an export whose name Xero already has is reported, not duplicated") {
  Seed seed;
  seed.tag(R"({"id":81,"name":"Export to Xero","dataTag":false})")
      .party(organisation(61, "Existing Ltd", R"("tags":[{"id":81,"name":"Export to Xero"}])"))
      .contact(xero_contact("c-9", "EXISTING LTD"));  // no invoice: not linked by R3, but the name is taken
  SyncWorld world(seed);
  world.start_daemon();
  world.sync();

  const auto state = world.state();
  CHECK(state.contacts().Size() == 1);
  CHECK_FALSE(world.binding_of_party("61"));
  const auto conflicts = world.conflicts();
  INFO(conflicts.size());
  CHECK(std::any_of(conflicts.begin(), conflicts.end(), [](const ConflictRow& c) {
    return c.kind == "name_clash" && c.capsule_id.find("61") != std::string::npos;
  }));
  const auto* party = state.party(61);
  REQUIRE(party);
  CHECK(SandboxState::has_tag(*party, kExportTag));  // still to do, for a person to resolve
}

TEST_CASE("R16 capsyncctl disable removes summaries, tags and notes, forgets links, keeps created parties") {
  Seed seed;
  seed.party(organisation(11, "Acme Ltd"))
      .contact(xero_contact("c-1", "Acme Ltd"))
      .contact(xero_contact("c-2", "Created Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "100.00", -5))
      .invoice(xero_invoice("c-2", "INV-2", "50.00", -5));
  WorldOptions options;
  options.sync_yaml = "invoice_note: true";
  SyncWorld world(seed, options);
  world.start_daemon();
  {
    const auto state = world.state();
    const auto* acme = state.party(11);
    REQUIRE(acme);
    REQUIRE(SandboxState::has_tag(*acme, "Overdue invoices"));
    REQUIRE(state.notes_of(11).size() == 1);
    REQUIRE(state.party_named("Created Ltd"));
  }
  world.clear_requests();
  run_job(world, {"disable", std::string(kConnection)});

  const auto state = world.state();
  for (const char* name : {"Acme Ltd", "Created Ltd"}) {
    INFO(name);
    const auto* party = state.party_named(name);
    REQUIRE(party);  // the created party stays
    CHECK_FALSE(SandboxState::has_tag(*party, "Overdue invoices"));
    for (const char* field : {"Outstanding", "Overdue", "Next due date", "Last invoice date"})
      CHECK_FALSE(SandboxState::field(*party, field));
    CHECK(state.notes_of((*party)["id"].GetInt64()).empty());
  }
  CHECK(world.bindings().empty());
  for (const auto& w : world.writes()) CHECK(w.provider != "xero");  // nothing changes in Xero
  CHECK(state.contacts().Size() == 2);

  // Disabled: a requested sync links and writes nothing until the connection is enabled again.
  world.clear_requests();
  const auto asked = world.ctl({"sync-now", std::string(kConnection)});
  INFO(asked.output);
  world.wait_settled();
  CHECK(world.writes().empty());
  CHECK(world.bindings().empty());
}

TEST_CASE("R16 enabling a disabled connection links again by name and duplicates nothing") {
  Seed seed;
  seed.party(organisation(11, "Acme Ltd"))
      .contact(xero_contact("c-1", "Acme Ltd"))
      .contact(xero_contact("c-2", "Created Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "100.00", -5))
      .invoice(xero_invoice("c-2", "INV-2", "50.00", -5));
  WorldOptions options;
  options.sync_yaml = "invoice_note: true";
  SyncWorld world(seed, options);
  world.start_daemon();
  const auto created = world.binding_of_contact("c-2");
  REQUIRE(created);
  run_job(world, {"disable", std::string(kConnection)});
  REQUIRE(world.bindings().empty());

  const auto enabled = world.ctl({"enable", std::string(kConnection)});
  INFO(enabled.output);
  REQUIRE(enabled.exit_code == 0);
  world.wait_settled();
  world.sync();

  CHECK(world.binding_of_contact("c-1") == "11");
  CHECK(world.binding_of_contact("c-2") == created);  // the party it created before, not a new one
  const auto state = world.state();
  CHECK(state.parties().Size() == 2);
  const auto* acme = state.party(11);
  REQUIRE(acme);
  CHECK(SandboxState::has_tag(*acme, "Overdue invoices"));
  CHECK(state.notes_of(11).size() == 1);
}
