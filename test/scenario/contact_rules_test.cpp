// Contact details, deletion and reporting (R10, R11, R13-R15, R17) and idempotence, end to
// end for every provider of the conformance suite: edits made through the sandbox's real
// APIs, then a sync, then both sides checked.

#include <algorithm>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test/scenario/conformance.hpp"
#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

// Acme Ltd's invoice.
InvoiceSpec acme_invoice() { return sales_invoice("c-1", "INV-1", "10.00", 10); }

// Two linked organisations and two linked people, each with one current invoice.
Seed linked_seed(const std::string& provider) {
  Seed s(provider);
  s.party(organisation(11, "Acme Ltd"))
      .party(organisation(12, "Globex Ltd"))
      .party(person(21, "Jo", "Bloggs"))
      .party(person(22, "Al", "Jones"))
      .contact(org_contact("c-1", "Acme Ltd"))
      .contact(org_contact("c-2", "Globex Ltd"))
      .contact(person_contact("c-3", "Jo", "Bloggs"))
      .contact(person_contact("c-4", "Al", "Jones"))
      .invoice(acme_invoice())
      .invoice(sales_invoice("c-2", "INV-2", "20.00", 10))
      .invoice(sales_invoice("c-3", "INV-3", "30.00", 10))
      .invoice(sales_invoice("c-4", "INV-4", "40.00", 10));
  return s;
}

std::vector<std::string> capsule_emails(const rapidjson::Value& party) {
  std::vector<std::string> out;
  for (const auto& e : party["emailAddresses"].GetArray()) out.push_back(text_of(e, "address"));
  return out;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("R10 a Capsule edit arrives in the accounting service, an edit there does not overwrite Capsule") {
  FOR_EACH_PROVIDER();
  SyncWorld world(linked_seed(provider));
  world.start_daemon();
  const auto acme = world.remote_id("c-1");

  auto edited = world.capsule("PUT", "/parties/11", R"({"party":{
      "name":"Acme Trading Ltd",
      "emailAddresses":[{"type":"Work","address":"accounts@acme.test"}],
      "phoneNumbers":[{"type":"Work","number":"+44 20 7946 0123"},{"type":"Mobile","number":"07700 900456"}],
      "addresses":[{"type":"Postal","street":"1 High Street","city":"Leeds","zip":"LS1 1AA","country":"United Kingdom"}]}})");
  // (A website is not pushed: Xero's Contact.Website is read-only, FreeAgent and Sage have none.)
  REQUIRE(edited.status == 200);
  world.sync();

  auto state = world.state();
  {
    const auto book = world.remote(state);
    const auto* contact = book.find(acme);
    REQUIRE(contact);
    CHECK(contact->name == "Acme Trading Ltd");
    CHECK(contact->email == "accounts@acme.test");
    CHECK(contains(contact->phone, "79460123"));
    CHECK(contains(contact->mobile, "7700900456"));
    CHECK(contact->has_address("1 High Street", "Leeds"));
  }
  CHECK(world.binding_of_contact(acme) == "11");

  // An edit of the same fields in the accounting service: Capsule keeps its own values.
  world.kit().edit_contact(acme, "someone-else@books.test", "555 0000");
  world.sync();
  state = world.state();
  const auto* party = state.party(11);
  REQUIRE(party);
  CHECK(SandboxState::party_name(*party) == "Acme Trading Ltd");
  CHECK(capsule_emails(*party) == std::vector<std::string>{"accounts@acme.test"});
  for (const auto& p : (*party)["phoneNumbers"].GetArray()) CHECK_FALSE(contains(text_of(p, "number"), "555"));
  const auto book = world.remote(state);
  const auto* contact = book.find(acme);
  REQUIRE(contact);
  CHECK(contact->email == "someone-else@books.test");  // and capsync did not write it back either
}

TEST_CASE("R11 no echo: after a push, later syncs write nothing on either side") {
  FOR_EACH_PROVIDER();
  WorldOptions options;
  options.tls = true;  // and the daemon verifies the sandbox's certificate through ca_file
  SyncWorld world(linked_seed(provider), options);
  world.start_daemon();
  REQUIRE(world.capsule("PUT", "/parties/12", R"({"party":{"phoneNumbers":[{"type":"Work","number":"0113 496 0000"}]}})")
              .status == 200);
  world.clear_requests();
  world.sync();
  auto writes = world.writes();
  INFO(describe(writes));
  REQUIRE(writes.size() == 1);  // the push, nothing else
  CHECK(writes[0].provider == world.kit().name());
  CHECK(writes[0].path.ends_with("/" + world.remote_id("c-2")));
  CHECK(world.remote(world.state()).find(world.remote_id("c-2"))->phone == "01134960000");

  // The pushed contact now reads as changed in the accounting service; it must not come back as an edit.
  world.clear_requests();
  world.sync();
  world.sync();
  writes = world.writes();
  INFO(describe(writes));
  CHECK(writes.empty());
}

TEST_CASE("R13 a rename that would duplicate an accounting contact's name is reported, not pushed") {
  FOR_EACH_PROVIDER();
  SyncWorld world(linked_seed(provider));
  world.start_daemon();
  // Capsule allows two people with one name; capsync never gives two accounting contacts one name.
  REQUIRE(world.capsule("PUT", "/parties/22", R"({"party":{"firstName":"Jo","lastName":"Bloggs"}})").status == 200);
  world.sync();

  const auto book = world.remote(world.state());
  CHECK(book.named("Jo Bloggs").size() == 1);
  const auto* al = book.find(world.remote_id("c-4"));
  REQUIRE(al);
  CHECK(al->name == "Al Jones");
  const auto conflicts = world.conflicts();
  const auto clash = std::find_if(conflicts.begin(), conflicts.end(), [](const ConflictRow& c) { return c.kind == "name_clash"; });
  REQUIRE(clash != conflicts.end());
  CHECK(contains(clash->capsule_id, "22"));
  CHECK(world.binding_of_contact(world.remote_id("c-4")) == "22");  // still linked
}

TEST_CASE("R14 deleted party is re-created and re-linked while its accounting contact exists") {
  FOR_EACH_PROVIDER();
  SyncWorld world(linked_seed(provider));
  world.start_daemon();
  REQUIRE(world.capsule("DELETE", "/parties/11").status == 204);
  world.clear_requests();
  world.sync();

  const auto state = world.state();
  CHECK_FALSE(state.party(11));
  const auto* recreated = state.party_named("Acme Ltd");
  REQUIRE(recreated);
  CHECK(world.binding_of_contact(world.remote_id("c-1")) == id_of(recreated));
  CHECK(SandboxState::field(*recreated, "Outstanding") == "10.00 GBP");
  const auto book = world.remote(state);
  const auto* contact = book.find(world.remote_id("c-1"));
  REQUIRE(contact);
  CHECK_FALSE(contact->archived);
  for (const auto& w : world.writes()) CHECK(w.provider != world.kit().name());  // nothing deleted or touched there
}

TEST_CASE("R14 on_capsule_delete: unlink forgets the link and re-creates nothing") {
  FOR_EACH_PROVIDER();
  WorldOptions options;
  options.sync_yaml = "on_capsule_delete: unlink";
  SyncWorld world(linked_seed(provider), options);
  world.start_daemon();
  REQUIRE(world.capsule("DELETE", "/parties/11").status == 204);
  world.clear_requests();
  world.sync();

  const auto state = world.state();
  CHECK(state.parties_named("Acme Ltd").empty());
  CHECK_FALSE(world.binding_of_contact(world.remote_id("c-1")));
  CHECK_FALSE(world.binding_of_party("11"));
  const auto book = world.remote(state);
  const auto* contact = book.find(world.remote_id("c-1"));
  REQUIRE(contact);
  CHECK_FALSE(contact->archived);
  for (const auto& w : world.writes()) CHECK(w.provider != world.kit().name());
}

TEST_CASE("R15 an archived accounting contact is unlinked and its Capsule party stays") {
  FOR_EACH_PROVIDER(Trait::archive_writes);
  SyncWorld world(linked_seed(provider));
  world.start_daemon();
  const auto acme = world.remote_id("c-1");
  REQUIRE(world.binding_of_contact(acme) == "11");
  world.kit().set_archived(acme, true);
  world.sync();

  CHECK_FALSE(world.binding_of_contact(acme));
  CHECK_FALSE(world.binding_of_party("11"));
  const auto state = world.state();
  const auto* party = state.party(11);
  REQUIRE(party);
  CHECK(SandboxState::party_name(*party) == "Acme Ltd");
  CHECK(state.parties().Size() == 4);
  CHECK(world.binding_of_contact(world.remote_id("c-2")) == "12");  // the others stay linked
  CHECK(world.remote(state).find(acme)->archived);
}

TEST_CASE("R17 conflicts are recorded with both sides' ids and logged, the sync goes on around them") {
  FOR_EACH_PROVIDER();
  Seed seed(provider);
  seed.party(person(21, "Sam", "Smith"))
      .party(person(22, "Sam", "Smith"))
      .party(organisation(31, "Hooli Ltd"))
      .contact(person_contact("c-1", "Sam", "Smith"))
      .contact(org_contact("c-2", "Fine Ltd"))
      .invoice(sales_invoice("c-1", "INV-1", "10.00", 10))
      .invoice(sales_invoice("c-2", "INV-2", "20.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  const auto sam = world.remote_id("c-1");

  const auto conflicts = world.conflicts();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].kind == "ambiguous_match");
  CHECK(conflicts[0].remote_id == sam);
  CHECK(conflicts[0].capsule_id == "21,22");
  CHECK(conflicts[0].open);
  const std::string log = world.daemon_log();
  INFO(log);
  CHECK(contains(log, fmt::format("Ambiguous match: accounting contact 'Sam Smith' ({})", sam)));
  CHECK(contains(log, "21, 22"));
  CHECK(world.state().party_named("Fine Ltd") != nullptr);  // the rest of the sync went on

  // capsyncctl conflicts shows it with both sides' ids.
  const auto shown = world.ctl({"conflicts"});
  INFO(shown.output);
  CHECK(shown.exit_code == 0);
  CHECK(contains(shown.output, "ambiguous_match"));
  CHECK(contains(shown.output, "accounting contact  " + sam));
  CHECK(contains(shown.output, "Capsule party       21"));
  CHECK(contains(shown.output, "Capsule party       22"));

  // Recorded once: a second sync does not record or log it again.
  world.sync();
  CHECK(world.conflicts().size() == 1);
}

TEST_CASE("Idempotence: a second sync right after the first writes nothing on either side") {
  FOR_EACH_PROVIDER();
  WorldOptions options;
  options.sync_yaml = "invoice_note: true";
  SyncWorld world(Seed::generated(11, 40, 40, 120, "GBP,EUR,USD", provider), options);
  world.start_daemon();
  REQUIRE(world.bindings().size() > 10);
  world.clear_requests();
  world.sync();
  auto writes = world.writes();
  INFO(describe(writes));
  CHECK(writes.empty());

  // What was written is remembered across a restart: its start-up sync writes nothing either.
  world.restart_daemon();
  world.sync();
  writes = world.writes();
  INFO(describe(writes));
  CHECK(writes.empty());
}

TEST_CASE("R10 fax, mobile and a second edit replace what was pushed before") {
  FOR_EACH_PROVIDER();
  SyncWorld world(linked_seed(provider));
  world.start_daemon();
  REQUIRE(world.capsule("PUT", "/parties/12", R"({"party":{
      "phoneNumbers":[{"type":"Work","number":"0113 496 0001"},{"type":"Fax","number":"0113 496 0002"}],
      "addresses":[{"type":"Office","street":"1 Old Road","city":"York","country":"United Kingdom"}]}})")
              .status == 200);
  world.sync();
  // A second edit: the work number and the address change in place (Capsule item ids kept).
  const auto party = world.capsule("GET", "/parties/12").json();
  const auto& p = party["party"];
  std::int64_t work_id = 0, address_id = p["addresses"][0]["id"].GetInt64();
  for (const auto& n : p["phoneNumbers"].GetArray())
    if (text_of(n, "type") == "Work") work_id = n["id"].GetInt64();
  REQUIRE(work_id != 0);
  REQUIRE(world.capsule("PUT", "/parties/12",
                        fmt::format(R"({{"party":{{"phoneNumbers":[{{"id":{},"number":"0113 496 0003"}},)"
                                    R"({{"type":"Mobile","number":"07700 900999"}}],)"
                                    R"("addresses":[{{"id":{},"street":"2 New Road","city":"Hull"}}]}}}})",
                                    work_id, address_id))
              .status == 200);
  world.sync();

  const auto book = world.remote(world.state());
  const auto* contact = book.find(world.remote_id("c-2"));
  REQUIRE(contact);
  CHECK(contact->phone == "01134960003");
  if (world.kit().has(Trait::fax)) CHECK(contact->fax == "01134960002");  // unchanged, and not lost by the second push
  CHECK(contact->mobile == "07700900999");
  CHECK(contact->has_address("2 New Road", "Hull"));
  CHECK_FALSE(contact->has_address("1 Old Road", "York"));
}

TEST_CASE("R10 a contact person's edit in Capsule arrives on the organisation's accounting contact") {
  FOR_EACH_PROVIDER();
  Seed seed(provider);
  seed.party(organisation(11, "Acme Ltd"))
      .party(person(12, "Kai", "Wu", R"("organisation":{"id":11,"name":"Acme Ltd"})"))
      .contact(org_contact("c-1", "Acme Ltd").contact_person("Kai", "Wu").with_email("kai@acme.test"))
      .invoice(sales_invoice("c-1", "INV-1", "10.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  REQUIRE(world.binding_of_contact(world.remote_id("c-1")) == "11");
  REQUIRE(world.capsule("PUT", "/parties/12",
                        R"({"party":{"lastName":"Wu-Lee","emailAddresses":[{"type":"Work","address":"kai.wulee@acme.test"}]}})")
              .status == 200);
  world.sync();
  const auto book = world.remote(world.state());
  const auto* contact = book.find(world.remote_id("c-1"));
  REQUIRE(contact);
  CHECK(contact->name == "Acme Ltd");
  CHECK(contact->first == "Kai");
  CHECK(contact->last == "Wu-Lee");
  // The organisation has no email of its own in Capsule: its contact person's is pushed.
  CHECK(contact->email == "kai.wulee@acme.test");
}

TEST_CASE("R10 an organisation edit leaves an email only the accounting service has alone") {
  FOR_EACH_PROVIDER();
  Seed seed(provider);
  seed.party(organisation(11, "Acme Ltd"))
      .contact(org_contact("c-1", "Acme Ltd").with_email("accounts@acme.test"))
      .invoice(sales_invoice("c-1", "INV-1", "10.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  const auto acme = world.remote_id("c-1");
  REQUIRE(world.binding_of_contact(acme) == "11");
  REQUIRE(world.capsule("PUT", "/parties/11", R"({"party":{"phoneNumbers":[{"type":"Work","number":"0113 496 0777"}]}})")
              .status == 200);
  world.sync();
  {
    const auto book = world.remote(world.state());
    const auto* contact = book.find(acme);
    REQUIRE(contact);
    CHECK(contact->phone == "01134960777");
    CHECK(contact->email == "accounts@acme.test");
  }

  // An email Capsule then sets is Capsule's change, and replaces the accounting service's.
  REQUIRE(world.capsule("PUT", "/parties/11", R"({"party":{"emailAddresses":[{"type":"Work","address":"ap@acme.test"}]}})")
              .status == 200);
  world.sync();
  const auto book = world.remote(world.state());
  const auto* contact = book.find(acme);
  REQUIRE(contact);
  CHECK(contact->email == "ap@acme.test");
  CHECK(contact->phone == "01134960777");
}

TEST_CASE("R10 an organisation's edit keeps the contact person the accounting service has") {
  FOR_EACH_PROVIDER();
  Seed seed(provider);
  seed.party(organisation(11, "Acme Ltd"))
      .contact(org_contact("c-1", "Acme Ltd").contact_person("Kai", "Wu").with_email("kai@acme.test"))
      .invoice(sales_invoice("c-1", "INV-1", "10.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  REQUIRE(world.capsule("PUT", "/parties/11", R"({"party":{"phoneNumbers":[{"type":"Work","number":"0113 496 0555"}]}})")
              .status == 200);
  world.sync();
  const auto book = world.remote(world.state());
  const auto* contact = book.find(world.remote_id("c-1"));
  REQUIRE(contact);
  CHECK(contact->phone == "01134960555");
  CHECK(contact->first == "Kai");
  CHECK(contact->last == "Wu");
}

TEST_CASE("R14 a re-created party gets its invoice note back, once") {
  FOR_EACH_PROVIDER();
  WorldOptions options;
  options.sync_yaml = "invoice_note: true";
  SyncWorld world(linked_seed(provider), options);
  world.start_daemon();
  REQUIRE(world.capsule("DELETE", "/parties/11").status == 204);
  world.sync();
  world.sync();
  const auto state = world.state();
  const auto* recreated = state.party_named("Acme Ltd");
  REQUIRE(recreated);
  const auto notes = state.notes_of((*recreated)["id"].GetInt64());
  REQUIRE(notes.size() == 1);
  CHECK(contains(text_of(*notes[0], "content"), "Invoice " + world.kit().invoice_number(acme_invoice()) + ":"));
}

TEST_CASE("R15 a contact restored in the accounting service after archiving links to its party again") {
  FOR_EACH_PROVIDER(Trait::archive_writes);
  SyncWorld world(linked_seed(provider));
  world.start_daemon();
  const auto acme = world.remote_id("c-1");
  world.kit().set_archived(acme, true);
  world.sync();
  REQUIRE_FALSE(world.binding_of_contact(acme));
  world.kit().set_archived(acme, false);
  world.sync();
  CHECK(world.binding_of_contact(acme) == "11");
  CHECK(world.state().parties_named("Acme Ltd").size() == 1);
}

TEST_CASE("R5 Capsule is polled on its own schedule: an edit reaches the accounting service without a requested sync") {
  FOR_EACH_PROVIDER();
  WorldOptions options;
  options.sync_yaml = "capsule_poll: 10s";  // the shortest allowed
  SyncWorld world(linked_seed(provider), options);
  world.start_daemon();
  REQUIRE(world.capsule("PUT", "/parties/12", R"({"party":{"phoneNumbers":[{"type":"Work","number":"0113 496 0777"}]}})")
              .status == 200);
  const bool arrived = wait_until(
      [&] {
        const auto book = world.remote(world.state());
        const auto* contact = book.find(world.remote_id("c-2"));
        return contact && contact->phone == "01134960777";
      },
      40s);
  CHECK(arrived);
}
