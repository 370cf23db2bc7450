// Contact details, deletion and reporting (R10, R11, R13-R15, R17) and idempotence, end to
// end: edits made through the sandbox's real APIs, then a sync, then both sides checked.

#include <algorithm>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

// Two linked organisations and two linked people, each with one current invoice.
Seed linked_seed() {
  Seed s;
  s.party(organisation(11, "Acme Ltd"))
      .party(organisation(12, "Globex Ltd"))
      .party(person(21, "Jo", "Bloggs"))
      .party(person(22, "Al", "Jones"))
      .contact(xero_contact("c-1", "Acme Ltd"))
      .contact(xero_contact("c-2", "Globex Ltd"))
      .contact(xero_contact("c-3", "Jo Bloggs", R"("FirstName":"Jo","LastName":"Bloggs")"))
      .contact(xero_contact("c-4", "Al Jones", R"("FirstName":"Al","LastName":"Jones")"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10))
      .invoice(xero_invoice("c-2", "INV-2", "20.00", 10))
      .invoice(xero_invoice("c-3", "INV-3", "30.00", 10))
      .invoice(xero_invoice("c-4", "INV-4", "40.00", 10));
  return s;
}

std::string digits_of(const rapidjson::Value& phone) {
  const std::string full =
      text_of(phone, "PhoneCountryCode") + text_of(phone, "PhoneAreaCode") + text_of(phone, "PhoneNumber");
  std::string digits;
  std::copy_if(full.begin(), full.end(), std::back_inserter(digits), [](char c) { return c >= '0' && c <= '9'; });
  return digits;
}

bool has_phone(const rapidjson::Value& contact, std::string_view number) {
  for (const auto& p : contact["Phones"].GetArray())
    if (digits_of(p).find(number) != std::string::npos) return true;
  return false;
}

// The digits of the contact's phone of one PhoneType ("DEFAULT", "MOBILE", "FAX").
std::string phone_of(const rapidjson::Value& contact, std::string_view type) {
  for (const auto& p : contact["Phones"].GetArray())
    if (text_of(p, "PhoneType") == type) return digits_of(p);
  return {};
}

bool has_address(const rapidjson::Value& contact, std::string_view street, std::string_view city) {
  for (const auto& a : contact["Addresses"].GetArray())
    if (text_of(a, "AddressLine1") == street && text_of(a, "City") == city) return true;
  return false;
}

std::vector<std::string> capsule_emails(const rapidjson::Value& party) {
  std::vector<std::string> out;
  for (const auto& e : party["emailAddresses"].GetArray()) out.push_back(text_of(e, "address"));
  return out;
}

}  // namespace

TEST_CASE("R10 a Capsule edit arrives in Xero, a Xero-side edit does not overwrite Capsule") {
  SyncWorld world(linked_seed());
  world.start_daemon();

  auto edited = world.capsule("PUT", "/parties/11", R"({"party":{
      "name":"Acme Trading Ltd",
      "emailAddresses":[{"type":"Work","address":"accounts@acme.test"}],
      "phoneNumbers":[{"type":"Work","number":"+44 20 7946 0123"},{"type":"Mobile","number":"07700 900456"}],
      "addresses":[{"type":"Postal","street":"1 High Street","city":"Leeds","zip":"LS1 1AA","country":"United Kingdom"}]}})");
  // (A website is not pushed: Xero's Contact.Website is read-only in its API.)
  REQUIRE(edited.status == 200);
  world.sync();

  auto state = world.state();
  const auto* contact = state.contact("c-1");
  REQUIRE(contact);
  CHECK(text_of(*contact, "Name") == "Acme Trading Ltd");
  CHECK(text_of(*contact, "EmailAddress") == "accounts@acme.test");
  CHECK(has_phone(*contact, "79460123"));
  CHECK(has_phone(*contact, "7700900456"));
  CHECK(has_address(*contact, "1 High Street", "Leeds"));
  CHECK(world.binding_of_contact("c-1") == "11");

  // Xero-side edit of the same fields: Capsule keeps its own values.
  auto xero_edit = world.xero("POST", "/Contacts/c-1",
                              R"({"Contacts":[{"ContactID":"c-1","EmailAddress":"someone-else@xero.test",)"
                              R"("Phones":[{"PhoneType":"DEFAULT","PhoneNumber":"555 0000"}]}]})");
  REQUIRE(xero_edit.status == 200);
  world.sync();
  state = world.state();
  const auto* party = state.party(11);
  REQUIRE(party);
  CHECK(SandboxState::party_name(*party) == "Acme Trading Ltd");
  CHECK(capsule_emails(*party) == std::vector<std::string>{"accounts@acme.test"});
  for (const auto& p : (*party)["phoneNumbers"].GetArray()) CHECK(text_of(p, "number").find("555") == std::string::npos);
}

TEST_CASE("R11 no echo: after a push, later syncs write nothing on either side") {
  WorldOptions options;
  options.tls = true;  // and the daemon verifies the sandbox's certificate through ca_file
  SyncWorld world(linked_seed(), options);
  world.start_daemon();
  REQUIRE(world.capsule("PUT", "/parties/12", R"({"party":{"phoneNumbers":[{"type":"Work","number":"0113 496 0000"}]}})")
              .status == 200);
  world.clear_requests();
  world.sync();
  auto writes = world.writes();
  INFO(describe(writes));
  REQUIRE(writes.size() == 1);  // the push, nothing else
  CHECK(writes[0].method == "POST");
  CHECK(writes[0].path == "/xero/api.xro/2.0/Contacts/c-2");

  // The pushed contact now reads as changed in Xero; it must not come back as an edit.
  world.clear_requests();
  world.sync();
  world.sync();
  writes = world.writes();
  INFO(describe(writes));
  CHECK(writes.empty());
}

TEST_CASE("R13 a rename that would duplicate a Xero name is reported, not pushed") {
  SyncWorld world(linked_seed());
  world.start_daemon();
  // Capsule allows two people with one name; Xero refuses a second active contact by name.
  REQUIRE(world.capsule("PUT", "/parties/22", R"({"party":{"firstName":"Jo","lastName":"Bloggs"}})").status == 200);
  world.sync();

  const auto state = world.state();
  CHECK(state.contacts_named("Jo Bloggs").size() == 1);
  const auto* al = state.contact("c-4");
  REQUIRE(al);
  CHECK(text_of(*al, "Name") == "Al Jones");
  const auto conflicts = world.conflicts();
  const auto clash = std::find_if(conflicts.begin(), conflicts.end(), [](const ConflictRow& c) { return c.kind == "name_clash"; });
  REQUIRE(clash != conflicts.end());
  CHECK(clash->capsule_id.find("22") != std::string::npos);
  CHECK(world.binding_of_contact("c-4") == "22");  // still linked
}

TEST_CASE("R14 deleted party is re-created and re-linked while its Xero contact exists") {
  SyncWorld world(linked_seed());
  world.start_daemon();
  REQUIRE(world.capsule("DELETE", "/parties/11").status == 204);
  world.clear_requests();
  world.sync();

  const auto state = world.state();
  CHECK_FALSE(state.party(11));
  const auto* recreated = state.party_named("Acme Ltd");
  REQUIRE(recreated);
  CHECK(world.binding_of_contact("c-1") == id_of(recreated));
  CHECK(SandboxState::field(*recreated, "Outstanding") == "10.00 GBP");
  const auto* contact = state.contact("c-1");
  REQUIRE(contact);
  CHECK(text_of(*contact, "ContactStatus") == "ACTIVE");
  for (const auto& w : world.writes()) CHECK(w.provider != "xero");  // nothing deleted or touched in Xero
}

TEST_CASE("R14 on_capsule_delete: unlink forgets the link and re-creates nothing") {
  WorldOptions options;
  options.sync_yaml = "on_capsule_delete: unlink";
  SyncWorld world(linked_seed(), options);
  world.start_daemon();
  REQUIRE(world.capsule("DELETE", "/parties/11").status == 204);
  world.clear_requests();
  world.sync();

  const auto state = world.state();
  CHECK(state.parties_named("Acme Ltd").empty());
  CHECK_FALSE(world.binding_of_contact("c-1"));
  CHECK_FALSE(world.binding_of_party("11"));
  const auto* contact = state.contact("c-1");
  REQUIRE(contact);
  CHECK(text_of(*contact, "ContactStatus") == "ACTIVE");
  for (const auto& w : world.writes()) CHECK(w.provider != "xero");
}

TEST_CASE("R15 an archived Xero contact is unlinked and its Capsule party stays") {
  SyncWorld world(linked_seed());
  world.start_daemon();
  REQUIRE(world.binding_of_contact("c-1") == "11");
  auto archived = world.xero("POST", "/Contacts/c-1", R"({"Contacts":[{"ContactID":"c-1","ContactStatus":"ARCHIVED"}]})");
  REQUIRE(archived.status == 200);
  world.sync();

  CHECK_FALSE(world.binding_of_contact("c-1"));
  CHECK_FALSE(world.binding_of_party("11"));
  const auto state = world.state();
  const auto* party = state.party(11);
  REQUIRE(party);
  CHECK(SandboxState::party_name(*party) == "Acme Ltd");
  CHECK(state.parties().Size() == 4);
  CHECK(world.binding_of_contact("c-2") == "12");  // the others stay linked
}

TEST_CASE("R17 conflicts are recorded with both sides' ids and logged, the sync goes on around them") {
  Seed seed;
  seed.party(person(21, "Sam", "Smith"))
      .party(person(22, "Sam", "Smith"))
      .party(organisation(31, "Hooli Ltd"))
      .contact(xero_contact("c-1", "Sam Smith", R"("FirstName":"Sam","LastName":"Smith")"))
      .contact(xero_contact("c-2", "Fine Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10))
      .invoice(xero_invoice("c-2", "INV-2", "20.00", 10));
  SyncWorld world(seed);
  world.start_daemon();

  const auto conflicts = world.conflicts();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].kind == "ambiguous_match");
  CHECK(conflicts[0].remote_id == "c-1");
  CHECK(conflicts[0].capsule_id == "21,22");
  CHECK(conflicts[0].open);
  const std::string log = world.daemon_log();
  INFO(log);
  CHECK(log.find("Ambiguous match: accounting contact 'Sam Smith' (c-1)") != std::string::npos);
  CHECK(log.find("21, 22") != std::string::npos);
  CHECK(world.state().party_named("Fine Ltd") != nullptr);  // the rest of the sync went on

  // capsyncctl conflicts shows it with both sides' ids.
  const auto shown = world.ctl({"conflicts"});
  INFO(shown.output);
  CHECK(shown.exit_code == 0);
  CHECK(shown.output.find("ambiguous_match") != std::string::npos);
  CHECK(shown.output.find("accounting contact  c-1") != std::string::npos);
  CHECK(shown.output.find("Capsule party       21") != std::string::npos);
  CHECK(shown.output.find("Capsule party       22") != std::string::npos);

  // Recorded once: a second sync does not record or log it again.
  world.sync();
  CHECK(world.conflicts().size() == 1);
}

TEST_CASE("Idempotence: a second sync right after the first writes nothing on either side") {
  WorldOptions options;
  options.sync_yaml = "invoice_note: true";
  SyncWorld world(Seed::generated(11, 40, 40, 120, "GBP,EUR,USD"), options);
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
  SyncWorld world(linked_seed());
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

  const auto state = world.state();
  const auto* contact = state.contact("c-2");
  REQUIRE(contact);
  CHECK(phone_of(*contact, "DEFAULT") == "01134960003");
  CHECK(phone_of(*contact, "FAX") == "01134960002");  // unchanged, and not lost by the second push
  CHECK(phone_of(*contact, "MOBILE") == "07700900999");
  CHECK(has_address(*contact, "2 New Road", "Hull"));
  CHECK_FALSE(has_address(*contact, "1 Old Road", "York"));
}

TEST_CASE("R10 a contact person's edit in Capsule arrives on the organisation's Xero contact") {
  Seed seed;
  seed.party(organisation(11, "Acme Ltd"))
      .party(person(12, "Kai", "Wu", R"("organisation":{"id":11,"name":"Acme Ltd"})"))
      .contact(xero_contact("c-1", "Acme Ltd", R"("FirstName":"Kai","LastName":"Wu","EmailAddress":"kai@acme.test")"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  REQUIRE(world.binding_of_contact("c-1") == "11");
  REQUIRE(world.capsule("PUT", "/parties/12",
                        R"({"party":{"lastName":"Wu-Lee","emailAddresses":[{"type":"Work","address":"kai.wulee@acme.test"}]}})")
              .status == 200);
  world.sync();
  const auto state = world.state();
  const auto* contact = state.contact("c-1");
  REQUIRE(contact);
  CHECK(text_of(*contact, "Name") == "Acme Ltd");
  CHECK(text_of(*contact, "FirstName") == "Kai");
  CHECK(text_of(*contact, "LastName") == "Wu-Lee");
  // The organisation has no email of its own in Capsule: its contact person's is pushed.
  CHECK(text_of(*contact, "EmailAddress") == "kai.wulee@acme.test");
}

TEST_CASE("R10 an organisation edit leaves a Xero-only email alone") {
  Seed seed;
  seed.party(organisation(11, "Acme Ltd"))
      .contact(xero_contact("c-1", "Acme Ltd", R"("EmailAddress":"accounts@acme.test")"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  REQUIRE(world.binding_of_contact("c-1") == "11");
  REQUIRE(world.capsule("PUT", "/parties/11", R"({"party":{"phoneNumbers":[{"type":"Work","number":"0113 496 0777"}]}})")
              .status == 200);
  world.sync();
  auto state = world.state();
  const auto* contact = state.contact("c-1");
  REQUIRE(contact);
  CHECK(phone_of(*contact, "DEFAULT") == "01134960777");
  CHECK(text_of(*contact, "EmailAddress") == "accounts@acme.test");

  // An email Capsule then sets is Capsule's change, and replaces Xero's.
  REQUIRE(world.capsule("PUT", "/parties/11", R"({"party":{"emailAddresses":[{"type":"Work","address":"ap@acme.test"}]}})")
              .status == 200);
  world.sync();
  state = world.state();
  contact = state.contact("c-1");
  REQUIRE(contact);
  CHECK(text_of(*contact, "EmailAddress") == "ap@acme.test");
  CHECK(phone_of(*contact, "DEFAULT") == "01134960777");
}

TEST_CASE("R10 an organisation's edit keeps the contact person Xero has") {
  Seed seed;
  seed.party(organisation(11, "Acme Ltd"))
      .contact(xero_contact("c-1", "Acme Ltd", R"("FirstName":"Kai","LastName":"Wu","EmailAddress":"kai@acme.test")"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  REQUIRE(world.capsule("PUT", "/parties/11", R"({"party":{"phoneNumbers":[{"type":"Work","number":"0113 496 0555"}]}})")
              .status == 200);
  world.sync();
  const auto state = world.state();
  const auto* contact = state.contact("c-1");
  REQUIRE(contact);
  CHECK(phone_of(*contact, "DEFAULT") == "01134960555");
  CHECK(text_of(*contact, "FirstName") == "Kai");
  CHECK(text_of(*contact, "LastName") == "Wu");
}

TEST_CASE("R14 a re-created party gets its invoice note back, once") {
  WorldOptions options;
  options.sync_yaml = "invoice_note: true";
  SyncWorld world(linked_seed(), options);
  world.start_daemon();
  REQUIRE(world.capsule("DELETE", "/parties/11").status == 204);
  world.sync();
  world.sync();
  const auto state = world.state();
  const auto* recreated = state.party_named("Acme Ltd");
  REQUIRE(recreated);
  const auto notes = state.notes_of((*recreated)["id"].GetInt64());
  REQUIRE(notes.size() == 1);
  CHECK(text_of(*notes[0], "content").find("Invoice INV-1") != std::string::npos);
}

TEST_CASE("R15 a contact restored in Xero after archiving links to its party again") {
  SyncWorld world(linked_seed());
  world.start_daemon();
  REQUIRE(world.xero("POST", "/Contacts/c-1", R"({"Contacts":[{"ContactID":"c-1","ContactStatus":"ARCHIVED"}]})").status == 200);
  world.sync();
  REQUIRE_FALSE(world.binding_of_contact("c-1"));
  REQUIRE(world.xero("POST", "/Contacts/c-1", R"({"Contacts":[{"ContactID":"c-1","ContactStatus":"ACTIVE"}]})").status == 200);
  world.sync();
  CHECK(world.binding_of_contact("c-1") == "11");
  CHECK(world.state().parties_named("Acme Ltd").size() == 1);
}

TEST_CASE("R5 Capsule is polled on its own schedule: an edit reaches Xero without a requested sync") {
  WorldOptions options;
  options.sync_yaml = "capsule_poll: 10s";  // the shortest allowed
  SyncWorld world(linked_seed(), options);
  world.start_daemon();
  REQUIRE(world.capsule("PUT", "/parties/12", R"({"party":{"phoneNumbers":[{"type":"Work","number":"0113 496 0777"}]}})")
              .status == 200);
  const bool arrived = wait_until(
      [&] {
        const auto state = world.state();
        const auto* contact = state.contact("c-2");
        return contact && phone_of(*contact, "DEFAULT") == "01134960777";
      },
      40s);
  CHECK(arrived);
}
