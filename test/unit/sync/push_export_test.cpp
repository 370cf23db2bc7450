#include <catch2/catch.hpp>

#include "core/sync/contact_details.hpp"
#include "core/sync/contact_export.hpp"
#include "core/sync/push.hpp"
#include "fixtures.hpp"

using namespace capsync::sync;
using namespace capsync::sync::test;

namespace {

Party linked_org() {
  auto p = org_party(11, "Acme Ltd");
  p.emails = {EmailAddress{101, "Work", "ap@acme.example"}, EmailAddress{102, "Home", "x@acme.example"}};
  p.phones = {PhoneNumber{201, PhoneKind::main, "+44 1"}, PhoneNumber{202, PhoneKind::mobile, "+44 7"},
              PhoneNumber{203, PhoneKind::fax, "+44 9"}};
  p.addresses = {Address{301, "Office", "1 High St", "London", "", "N1", "United Kingdom"}};
  p.websites = {Website{401, "URL", "https://acme.example"}};
  return p;
}

}  // namespace

TEST_CASE("R10 pushed fields come from the party: first email, phones by kind, first address", "[sync][push]") {
  auto d = details_from_party(linked_org());
  CHECK(d.kind == ContactKind::organisation);
  CHECK(d.name == "Acme Ltd");
  CHECK(d.email == "ap@acme.example");
  CHECK(d.phone == "+44 1");
  CHECK(d.mobile == "+44 7");
  CHECK(d.fax == "+44 9");
  CHECK(d.website == "https://acme.example");
  REQUIRE(d.address.has_value());
  CHECK(d.address->city == "London");
  CHECK_FALSE(d.address->id.has_value());
}

TEST_CASE("R10 R11 push only when the pushed fields changed", "[sync][push]") {
  InMemoryContactNameIndex names;
  names.add("r1", "Acme Ltd");
  auto party = linked_org();
  Binding binding{11, "r1", ContactRole::customer, std::nullopt, std::nullopt};

  // First sight after linking: remember, do not push.
  auto first = plan_push(party, nullptr, std::nullopt, binding, names).value();
  CHECK(first.kind == PushPlan::Kind::baseline);
  binding.pushed_hash = first.hash;

  // capsync's own writes (summary fields, overdue tag, note) and their echo: no push.
  party.fields.push_back(CustomFieldValue{1, 90, "100.00 GBP"});
  party.tags.push_back(Tag{5, "Overdue invoices"});
  party.updated_at = *parse_timestamp("2024-06-21T01:15:39Z");
  CHECK(plan_push(party, nullptr, std::nullopt, binding, names).value().kind == PushPlan::Kind::nothing);

  // A user edits the fax number in Capsule: push everything, with the new hash.
  party.phones[2].number = "+44 8";
  auto edit = plan_push(party, nullptr, std::nullopt, binding, names).value();
  REQUIRE(edit.kind == PushPlan::Kind::push);
  CHECK(edit.update.fax == "+44 8");
  CHECK(edit.hash != *binding.pushed_hash);

  // After the push is stored, the same state is not pushed again (no echo).
  binding.pushed_hash = edit.hash;
  CHECK(plan_push(party, nullptr, std::nullopt, binding, names).value().kind == PushPlan::Kind::nothing);
}

TEST_CASE("R10 a linked organisation is pushed with its contact person", "[sync][push]") {
  InMemoryContactNameIndex names;
  names.add("r1", "Acme Ltd");
  auto org = linked_org();
  org.emails.clear();
  auto kai = person_party(60, "Kai", "Wu");
  kai.organisation = OrganisationRef{11, "Acme Ltd"};
  kai.emails = {EmailAddress{1, "Work", "kai@acme.example"}};
  kai.phones = {PhoneNumber{2, PhoneKind::mobile, "+44 7000"}};
  Binding binding{11, "r1", ContactRole::customer, details_hash(push_details(org, &kai)), std::nullopt};
  CHECK(plan_push(org, &kai, std::nullopt, binding, names).value().kind == PushPlan::Kind::nothing);

  // The person's own edit changes what the organisation pushes.
  const auto before = push_details(org, &kai);
  kai.last_name = "Wu-Lee";
  auto plan = plan_push(org, &kai, before, binding, names).value();
  REQUIRE(plan.kind == PushPlan::Kind::push);
  REQUIRE(plan.update.contact_person.has_value());
  CHECK(plan.update.contact_person->first_name == "Kai");
  CHECK(plan.update.contact_person->last_name == "Wu-Lee");
  CHECK(plan.update.contact_person->email == "kai@acme.example");
  CHECK(plan.update.email == "kai@acme.example");  // the organisation has none of its own
  CHECK(plan.update.mobile == "+44 7");            // the organisation's, not the person's
  CHECK(plan.update.name == "Acme Ltd");
  CHECK(plan.previous == before);

  // An organisation's own email wins over the person's; a person gets no contact person.
  org.emails = {EmailAddress{3, "Work", "ap@acme.example"}};
  CHECK(push_details(org, &kai).email == "ap@acme.example");
  CHECK_FALSE(push_details(kai, &kai).contact_person.has_value());
}

TEST_CASE("R13 a rename onto another accounting contact's name is a clash, not a push", "[sync][push]") {
  InMemoryContactNameIndex names;
  names.add("r1", "Acme Ltd");
  names.add("r2", "Globex");
  auto party = linked_org();
  Binding binding{11, "r1", ContactRole::customer, details_hash(details_from_party(party)), std::nullopt};
  party.name = "Globex";
  auto plan = plan_push(party, nullptr, std::nullopt, binding, names).value();
  REQUIRE(plan.kind == PushPlan::Kind::name_clash);
  CHECK(plan.conflict->kind == ConflictKind::name_clash);
  CHECK(plan.conflict->remote_id == "r1");
  CHECK(plan.conflict->other_remote_ids == std::vector<std::string>{"r2"});
  CHECK(plan.conflict->party_ids == std::vector<PartyId>{11});
}

TEST_CASE("R12 B2C: a person with no organisation exports as a person", "[sync][export]") {
  InMemoryBindings bindings;
  InMemoryContactNameIndex names;
  auto ada = person_party(50, "Ada", "Lovelace");
  ada.emails = {EmailAddress{1, "", "ada@example.org"}};
  ada.phones = {PhoneNumber{2, PhoneKind::mobile, "+44 7700"}};
  auto plan = plan_export(ada, std::nullopt, nullptr, bindings, names).value();
  REQUIRE(plan.kind == ExportPlan::Kind::create);
  CHECK(plan.target_party == 50);
  CHECK(plan.spec.kind == ContactKind::person);
  CHECK(plan.spec.name == "Ada Lovelace");
  CHECK(plan.spec.first_name == "Ada");
  CHECK(plan.spec.email == "ada@example.org");
  CHECK(plan.spec.mobile == "+44 7700");
  CHECK_FALSE(plan.spec.contact_person.has_value());
  CHECK(plan.baseline_hash == details_hash(details_from_party(ada)));
}

TEST_CASE("R12 B2B: a person in an organisation exports the organisation with a contact person", "[sync][export]") {
  InMemoryBindings bindings;
  InMemoryContactNameIndex names;
  auto org = linked_org();
  auto scott = person_party(60, "Scott", "Spacey");
  scott.organisation = OrganisationRef{11, "Acme Ltd"};
  scott.emails = {EmailAddress{1, "Work", "scott@acme.example"}};
  auto plan = plan_export(scott, org, nullptr, bindings, names).value();
  REQUIRE(plan.kind == ExportPlan::Kind::create);
  CHECK(plan.target_party == 11);
  CHECK(plan.spec.kind == ContactKind::organisation);
  CHECK(plan.spec.name == "Acme Ltd");
  REQUIRE(plan.spec.contact_person.has_value());
  CHECK(plan.spec.contact_person->first_name == "Scott");
  CHECK(plan.spec.contact_person->last_name == "Spacey");
  CHECK(plan.spec.contact_person->email == "scott@acme.example");
  CHECK(plan.spec.email == "ap@acme.example");
  CHECK(plan.spec.fax == "+44 9");
  // The baseline is what a push of the organisation sends, with this person as contact person.
  REQUIRE(plan.baseline.has_value());
  CHECK(plan.baseline->contact_person == plan.spec.contact_person);
  CHECK(plan.baseline->fax == "+44 9");
  CHECK(plan.baseline_hash == details_hash(push_details(org, &scott)));

  // Without the organisation's details: its name, the person's details, no baseline.
  auto bare = plan_export(scott, std::nullopt, nullptr, bindings, names).value();
  CHECK(bare.spec.name == "Acme Ltd");
  CHECK(bare.spec.email == "scott@acme.example");
  CHECK_FALSE(bare.baseline_hash.has_value());

  // Already linked organisation: nothing to export.
  bindings.put(Binding{11, "r1", ContactRole::customer, {}, {}});
  CHECK(plan_export(scott, org, nullptr, bindings, names).value().kind == ExportPlan::Kind::nothing);
}

TEST_CASE("R12 an organisation exports with its contact person, as a push after it would send", "[sync][export]") {
  InMemoryBindings bindings;
  InMemoryContactNameIndex names;
  auto org = linked_org();
  org.emails.clear();
  auto scott = person_party(60, "Scott", "Spacey");
  scott.organisation = OrganisationRef{11, "Acme Ltd"};
  scott.emails = {EmailAddress{1, "Work", "scott@acme.example"}};
  auto plan = plan_export(org, std::nullopt, &scott, bindings, names).value();
  REQUIRE(plan.kind == ExportPlan::Kind::create);
  CHECK(plan.target_party == 11);
  CHECK(plan.spec == push_details(org, &scott));
  REQUIRE(plan.spec.contact_person.has_value());
  CHECK(plan.spec.contact_person->first_name == "Scott");
  CHECK(plan.spec.email == "scott@acme.example");  // the organisation has none
  CHECK(plan.baseline_hash == details_hash(push_details(org, &scott)));

  // No person read yet: the organisation alone, and a push adds the person once one is read.
  auto alone = plan_export(org, std::nullopt, nullptr, bindings, names).value();
  CHECK_FALSE(alone.spec.contact_person.has_value());
  CHECK(alone.baseline_hash == details_hash(details_from_party(org)));
}

TEST_CASE("R13 export never creates a name the accounting side has", "[sync][export]") {
  InMemoryBindings bindings;
  InMemoryContactNameIndex names;
  names.add("r9", "Acme Ltd ");
  auto plan = plan_export(linked_org(), std::nullopt, nullptr, bindings, names).value();
  REQUIRE(plan.kind == ExportPlan::Kind::name_clash);
  CHECK(plan.conflict->kind == ConflictKind::name_clash);
  CHECK(plan.conflict->other_remote_ids == std::vector<std::string>{"r9"});
  CHECK(plan.conflict->party_ids == std::vector<PartyId>{11});
  CHECK_THAT(plan.conflict->describe(), Catch::Contains("r9") && Catch::Contains("11"));
}

TEST_CASE("R17 export never creates a near-duplicate of an accounting contact's name", "[sync][export]") {
  InMemoryBindings bindings;
  InMemoryContactNameIndex names;
  names.add("r7", "A.C.M.E. Limited");
  names.add("r8", "ACME ltd");
  names.add("r9", "Acme Trading");
  auto plan = plan_export(linked_org(), std::nullopt, nullptr, bindings, names).value();
  REQUIRE(plan.kind == ExportPlan::Kind::near_duplicate);
  CHECK(plan.conflict->kind == ConflictKind::near_duplicate);
  CHECK(plan.conflict->other_remote_ids == std::vector<std::string>{"r7", "r8"});
  CHECK(plan.conflict->party_ids == std::vector<PartyId>{11});
  CHECK(plan.conflict->name == "Acme Ltd");
  CHECK_THAT(plan.conflict->describe(), Catch::Contains("r7") && Catch::Contains("r8") && Catch::Contains("11"));

  // An exact name is a name clash (R13) even where near-duplicates exist too.
  names.add("r6", "Acme Ltd");
  CHECK(plan_export(linked_org(), std::nullopt, nullptr, bindings, names).value().kind == ExportPlan::Kind::name_clash);

  // A name only sharing words is neither.
  InMemoryContactNameIndex others;
  others.add("r9", "Acme Trading");
  CHECK(plan_export(linked_org(), std::nullopt, nullptr, bindings, others).value().kind == ExportPlan::Kind::create);
}
