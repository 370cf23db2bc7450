// Capsule JSON mapping, against the example bodies in the API notes (Capsule API v2 docs).
#include <catch2/catch.hpp>

#include "connectors/capsule/catalog.hpp"
#include "connectors/capsule/entries.hpp"
#include "connectors/capsule/errors.hpp"
#include "connectors/capsule/fields.hpp"
#include "connectors/capsule/parties.hpp"
#include "core/connector/headers.hpp"

using namespace capsync;
using namespace capsync::model;

namespace {

constexpr std::string_view kPerson = R"({"party":{"id":11587,"type":"person","about":null,"title":"Mr",
 "firstName":"Scott","lastName":"Spacey","jobTitle":"Creative Director",
 "createdAt":"2015-09-15T10:43:23Z","updatedAt":"2015-09-15T10:43:23Z","lastContactedAt":null,
 "organisation":{"id":80001,"name":"Homestyle Shop","pictureURL":"https://x"},
 "owner":{"id":61,"username":"ted","name":"Ted Danson"},"team":{"id":5,"name":"Sales"},
 "addresses":[{"id":12135,"type":null,"city":"Chicago","country":"United States","street":"847 North Rush Street","state":"IL","zip":"65629"}],
 "phoneNumbers":[{"id":12133,"type":null,"number":"773-338-7786"},{"id":12140,"type":"Mobile","number":"07700 900123"}],
 "websites":[{"id":12136,"type":null,"service":"URL","address":"www.homestyleshop.co","url":"http://www.homestyleshop.co"}],
 "emailAddresses":[{"id":12134,"type":"Work","address":"scott@homestyleshop.co"}],
 "pictureURL":"https://x","tags":[{"id":1199,"name":"Customer","dataTag":true}],
 "fields":[{"id":77001,"definition":{"id":45,"name":"Refering Site"},"value":"Google"},
           {"id":77002,"definition":{"id":51,"name":"Lead Score"},"value":"3","tagId":1499},
           {"id":77003,"definition":{"id":48,"name":"Local"},"value":true},
           {"id":77004,"definition":{"id":52,"name":"Gone"},"value":null}]}})";

Party person() { return *capsule::parse_party_body(kPerson); }

}  // namespace

TEST_CASE("Capsule person: every field of the example") {
  auto parsed = capsule::parse_party_body(kPerson);
  REQUIRE(parsed);
  const Party& p = *parsed;
  CHECK(p.id == 11587);
  CHECK(p.type == PartyType::person);
  CHECK(p.first_name == "Scott");
  CHECK(p.last_name == "Spacey");
  CHECK(p.job_title == "Creative Director");
  CHECK(p.display_name() == "Scott Spacey");
  REQUIRE(p.organisation);
  CHECK(p.organisation->id == 80001);
  CHECK(p.organisation->name == "Homestyle Shop");
  CHECK(p.team == TeamRef{5, "Sales"});
  REQUIRE(p.addresses.size() == 1);
  CHECK(p.addresses[0] == Address{12135, "", "847 North Rush Street", "Chicago", "IL", "65629", "United States"});
  REQUIRE(p.phones.size() == 2);
  CHECK(p.phones[0] == PhoneNumber{12133, PhoneKind::main, "773-338-7786"});
  CHECK(p.phones[1] == PhoneNumber{12140, PhoneKind::mobile, "07700 900123"});
  REQUIRE(p.websites.size() == 1);
  CHECK(p.websites[0] == Website{12136, "URL", "www.homestyleshop.co"});
  REQUIRE(p.emails.size() == 1);
  CHECK(p.emails[0] == EmailAddress{12134, "Work", "scott@homestyleshop.co"});
  CHECK(p.tags == std::vector<Tag>{{1199, "Customer"}});
  REQUIRE(p.fields.size() == 3);  // the null value is absent
  CHECK(p.fields[0] == CustomFieldValue{77001, 45, "Google"});
  CHECK(p.fields[1] == CustomFieldValue{77002, 51, "3"});  // numbers come back as strings
  CHECK(p.fields[2] == CustomFieldValue{77003, 48, "true"});
  CHECK(p.updated_at == *parse_timestamp("2015-09-15T10:43:23Z"));
}

TEST_CASE("Capsule organisation and party lists") {
  auto list = capsule::parse_parties_body(
      R"({"parties":[{"id":80001,"type":"organisation","name":"Homestyle Shop","team":null,"owner":null,
      "updatedAt":"2016-01-01T00:00:00Z","emailAddresses":[],"phoneNumbers":[]}]})");
  REQUIRE(list);
  REQUIRE(list->parties.size() == 1);
  CHECK(list->parties[0].type == PartyType::organisation);
  CHECK(list->parties[0].display_name() == "Homestyle Shop");
  CHECK(!list->parties[0].team);
  CHECK(capsule::parse_parties_body("not json").error().code() == Errc::protocol);

  auto gone = capsule::parse_deleted_body(R"({"parties":[{"id":7,"deletedAt":"2024-06-21T01:15:39Z"}]})");
  REQUIRE(gone);
  REQUIRE(gone->size() == 1);
  CHECK((*gone)[0].id == 7);
  CHECK((*gone)[0].deleted_at == *parse_timestamp("2024-06-21T01:15:39Z"));
}

TEST_CASE("Capsule create body: no owner, team by id, items without ids") {
  PartySpec spec;
  spec.type = PartyType::organisation;
  spec.name = "Acme Ltd";
  spec.emails = {EmailAddress{std::nullopt, "", "info@acme.test"}};
  spec.phones = {PhoneNumber{std::nullopt, PhoneKind::fax, "020 7946 0001"}};
  spec.team = TeamRef{5, "Sales"};
  CHECK(*capsule::party_create_body(spec) ==
        R"({"party":{"type":"organisation","name":"Acme Ltd","emailAddresses":[{"type":null,"address":"info@acme.test"}],)"
        R"("phoneNumbers":[{"type":"Fax","number":"020 7946 0001"}],"owner":null,"team":{"id":5}}})");
  spec.team = TeamRef{std::nullopt, "Sales"};
  CHECK(capsule::party_create_body(spec).error().code() == Errc::invalid_argument);
}

TEST_CASE("Capsule update body: nested arrays diffed by item id") {
  Party current = person();
  connector::PartyPatch patch;
  CHECK(!*capsule::party_update_body(current, patch));  // empty patch: nothing to send

  // Same lists back: nothing to send.
  patch.emails = current.emails;
  patch.phones = current.phones;
  CHECK(!*capsule::party_update_body(current, patch));

  // Replace the email, change one phone, drop the other, add a new one.
  patch.emails = std::vector<EmailAddress>{{std::nullopt, "Work", "accounts@homestyleshop.co"}};
  patch.phones = std::vector<PhoneNumber>{{12133, PhoneKind::main, "773-338-0000"},
                                          {std::nullopt, PhoneKind::fax, "773-338-7787"}};
  CHECK(**capsule::party_update_body(current, patch) ==
        R"({"party":{"emailAddresses":[{"id":12134,"_delete":true},{"type":"Work","address":"accounts@homestyleshop.co"}],)"
        R"("phoneNumbers":[{"id":12140,"_delete":true},{"id":12133,"type":"Work","number":"773-338-0000"},)"
        R"({"type":"Fax","number":"773-338-7787"}]}})");
}

TEST_CASE("Capsule update body: fields, tags, team and names") {
  Party current = person();
  connector::PartyPatch patch;
  patch.set_fields = {{std::nullopt, 45, "Google"},  // unchanged: not sent
                      {std::nullopt, 51, "4"},       // changed: updates the value row in place
                      {std::nullopt, 90, "3 open invoices"},  // new value
                      {std::nullopt, 48, ""}};                // cleared: row deleted
  patch.add_tags = {"Overdue invoices", "Customer"};
  patch.remove_tags = {"Customer", "Not there"};
  patch.team = TeamRef{5, "Sales"};  // same team: not sent
  patch.last_name = "Spacey-Jones";
  patch.name = "ignored for a person";
  CHECK(**capsule::party_update_body(current, patch) ==
        R"({"party":{"lastName":"Spacey-Jones","fields":[{"id":77002,"definition":{"id":51},"value":"4"},)"
        R"({"definition":{"id":90},"value":"3 open invoices"},{"id":77003,"_delete":true}],)"
        R"("tags":[{"id":1199,"_delete":true},{"name":"Overdue invoices"}]}})");
}

TEST_CASE("Capsule field definitions: a missing field names what to create") {
  auto defs = capsule::parse_definitions_body(
      R"({"definitions":[{"id":45,"type":"text","displayOrder":1,"name":"Refering Site"},
      {"id":51,"type":"number","name":"Lead Score","tag":{"id":1499,"name":"Lead","dataTag":true}},
      {"id":46,"type":"date","name":"Date of Birth","captureRule":"person"}]})");
  REQUIRE(defs);
  CHECK(*capsule::find_definition(*defs, "Lead Score", connector::FieldType::number) == 51);
  auto missing = capsule::find_definition(*defs, "Outstanding", connector::FieldType::text);
  REQUIRE(!missing);
  CHECK(missing.error().code() == Errc::invalid_argument);
  CHECK(missing.error().message() ==
        "Capsule has no custom field 'Outstanding' for people and organisations: create a Text "
        "field named 'Outstanding' under Settings > Custom Fields");
  CHECK(capsule::find_definition(*defs, "Refering Site", connector::FieldType::date).error().message().find(
            "is a Text field") != std::string::npos);
  CHECK(!capsule::find_definition(*defs, "Date of Birth", connector::FieldType::date));
}

TEST_CASE("Capsule teams, notes, Link header and errors") {
  auto teams = capsule::parse_teams_body(R"({"teams":[{"id":5,"name":"Sales"},{"id":6,"name":"Support"}]})");
  REQUIRE(teams);
  CHECK(capsule::find_team(*teams, "Support")->id == 6);
  CHECK(capsule::find_team(*teams, "Ops").error().message() ==
        "Capsule has no team named 'Ops' (default_team); teams: Sales, Support");

  CHECK(capsule::note_create_body(11587, "Invoices:\nINV-1") ==
        R"({"entry":{"party":{"id":11587},"type":"note","content":"Invoices:\nINV-1"}})");
  CHECK(capsule::note_update_body("x") == R"({"entry":{"content":"x"}})");
  auto note = capsule::parse_entry_body(R"({"entry":{"id":9,"type":"note","party":{"id":11587},"content":"x"}})");
  REQUIRE(note);
  CHECK(note->id == 9);
  CHECK(note->party_id == 11587);
  auto notes = capsule::parse_notes_body(
      R"({"entries":[{"id":12,"type":"email","party":{"id":7},"content":"hi"},)"
      R"({"id":11,"type":"note","party":{"id":7},"content":"Invoices"}]})");
  REQUIRE(notes);
  REQUIRE(notes->size() == 1);  // emails and tasks are not notes
  CHECK((*notes)[0].id == 11);
  CHECK((*notes)[0].content == "Invoices");
  CHECK_FALSE(capsule::parse_notes_body(R"({"entry":{}})"));

  CHECK(connector::next_link(R"(<https://api.capsulecrm.com/api/v2/parties?page=4>; rel="next")") ==
        "https://api.capsulecrm.com/api/v2/parties?page=4");
  CHECK(connector::next_link(R"(<https://a/p?page=1>; rel="prev", <https://a/p?page=3>; rel="next")") ==
        "https://a/p?page=3");
  CHECK(connector::next_link(R"(<https://a/p?page=1>; rel="prev")").empty());

  http::Response r;
  r.status = 422;
  r.body = R"({"message":"Validation Failed","errors":[{"resource":"party","field":"name","message":"name already exists"}]})";
  CHECK(capsule::map_error(r, "organisation 'Acme'").code() == Errc::conflict);
  r.body = R"({"message":"Validation Failed","errors":[{"resource":"address","field":"country","message":"unknown country"}]})";
  auto e = capsule::map_error(r, "party 7");
  CHECK(e.code() == Errc::invalid_argument);
  CHECK(e.message() == "Capsule refused party 7: country: unknown country");
  r.status = 429;
  r.body = R"({"error":"rate limit reached"})";
  r.headers = {{"X-RateLimit-Reset", "1718932539"}};
  e = capsule::map_error(r, "the parties page 2");
  CHECK(e.code() == Errc::rate_limited);
  CHECK(e.message().find("1718932539") != std::string::npos);
}

TEST_CASE("Capsule parties: a party that cannot be read is skipped and named; the rest of the page is kept (R17)") {
  const std::string body = std::string(R"({"parties":[{"id":1,"type":"organisation","name":"Acme Ltd"},)") +
                           R"({"type":"person","firstName":"No","lastName":"Id"},)" +
                           R"({"id":3,"type":"robot","name":"Robo"},)" +
                           R"({"id":4,"type":"person","firstName":"Ren)" + "\xE9" + R"(e","lastName":"Dupont"},)" +
                           R"({"id":5,"type":"organisation","name":"Initech"}]})";
  auto list = capsule::parse_parties_body(body);
  REQUIRE(list);
  REQUIRE(list->parties.size() == 2);
  CHECK(list->parties[0].id == 1);
  CHECK(list->parties[1].id == 5);
  REQUIRE(list->unreadable.size() == 3);
  CHECK(list->unreadable[0].position == 2);
  CHECK(list->unreadable[0].id.empty());
  CHECK(list->unreadable[0].name == "No Id");
  CHECK(list->unreadable[0].reason == "a party has no id");
  CHECK(list->unreadable[1].id == "3");
  CHECK(list->unreadable[1].name == "Robo");
  CHECK(list->unreadable[1].reason.find("party 3") != std::string::npos);
  // Latin-1 "é" is not UTF-8: refused, and shown repaired.
  CHECK(list->unreadable[2].position == 4);
  CHECK(list->unreadable[2].id == "4");
  CHECK(list->unreadable[2].name == "Ren\xEF\xBF\xBD" "e Dupont");
  CHECK(list->unreadable[2].reason == "'firstName' is not valid UTF-8");

  // One party read by id cannot be skipped: it fails the read.
  auto one = capsule::parse_party_body(R"({"party":{"id":4,"type":"organisation","name":"Ren)" + std::string("\xE9") + R"("}})");
  REQUIRE_FALSE(one);
  CHECK(one.error().message() == "party 4: 'name' is not valid UTF-8");
}
