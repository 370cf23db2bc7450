#include <catch2/catch.hpp>

#include "core/sync/matcher.hpp"
#include "fixtures.hpp"

using namespace capsync::sync;
using namespace capsync::sync::test;

namespace {
ConnectionPolicy exact_policy() { return ConnectionPolicy{}; }
}  // namespace

TEST_CASE("R1 R2 exactly one exact match links", "[sync][matcher]") {
  InMemoryPartyIndex index;
  index.add(org_party(11, "Acme Ltd"));
  index.add(org_party(12, "Acme Trading"));
  index.add(person_party(13, "Scott", "Spacey"));

  auto out = match_contact(org_contact("c1", "  Acme Ltd "), index, exact_policy()).value();
  REQUIRE(std::holds_alternative<MatchLink>(out));
  CHECK(std::get<MatchLink>(out).party.id == 11);

  // A person contact matches on "First Last"; NFC and NBSP trimming apply.
  auto person = match_contact(person_contact("c2", "Scott\xC2\xA0", "Spacey"), index, exact_policy()).value();
  REQUIRE(std::holds_alternative<MatchLink>(person));
  CHECK(std::get<MatchLink>(person).party.id == 13);
}

TEST_CASE("R1 exact matching does not fold case; normalized matching does", "[sync][matcher]") {
  InMemoryPartyIndex index;
  index.add(org_party(11, "ACME LIMITED"));
  auto contact = org_contact("c1", "Acme Ltd");

  auto exact = match_contact(contact, index, exact_policy()).value();
  REQUIRE(std::holds_alternative<MatchConflict>(exact));  // a near-duplicate, not a link
  CHECK(std::get<MatchConflict>(exact).conflict.kind == ConflictKind::near_duplicate);

  ConnectionPolicy normalized;
  normalized.matching = capsync::config::Matching::normalized;
  auto folded = match_contact(contact, index, normalized).value();
  REQUIRE(std::holds_alternative<MatchLink>(folded));
  CHECK(std::get<MatchLink>(folded).party.id == 11);
}

TEST_CASE("R2 no match creates an organisation, or a person for a person contact", "[sync][matcher]") {
  InMemoryPartyIndex index;
  auto org = org_contact("c1", "Globex");
  org.emails = {"ap@globex.example"};
  org.phones = {PhoneNumber{std::nullopt, PhoneKind::fax, "+44 20 1"}};
  org.website = "https://globex.example";
  auto out = match_contact(org, index, exact_policy()).value();
  REQUIRE(std::holds_alternative<MatchCreate>(out));
  const auto& spec = std::get<MatchCreate>(out).spec;
  CHECK(spec.type == PartyType::organisation);
  CHECK(spec.name == "Globex");
  REQUIRE(spec.emails.size() == 1);
  CHECK(spec.emails[0].address == "ap@globex.example");
  REQUIRE(spec.phones.size() == 1);
  CHECK(spec.phones[0].kind == PhoneKind::fax);
  REQUIRE(spec.websites.size() == 1);
  CHECK_FALSE(spec.team.has_value());  // R4: Unassigned without default_team

  auto person = match_contact(person_contact("c2", "Ada", "Lovelace"), index, exact_policy()).value();
  REQUIRE(std::holds_alternative<MatchCreate>(person));
  const auto& pspec = std::get<MatchCreate>(person).spec;
  CHECK(pspec.type == PartyType::person);
  CHECK(pspec.first_name == "Ada");
  CHECK(pspec.last_name == "Lovelace");
  CHECK(pspec.display_name() == "Ada Lovelace");
}

TEST_CASE("R4 created parties go to the default team", "[sync][matcher]") {
  InMemoryPartyIndex index;
  ConnectionPolicy policy;
  policy.default_team = "Accounts";
  auto out = match_contact(org_contact("c1", "Globex"), index, policy).value();
  REQUIRE(std::holds_alternative<MatchCreate>(out));
  const auto& spec = std::get<MatchCreate>(out).spec;
  REQUIRE(spec.team.has_value());
  CHECK(spec.team->name == "Accounts");
}

TEST_CASE("R2 R17 two exact matches are an ambiguous conflict with both party ids", "[sync][matcher]") {
  InMemoryPartyIndex index;
  index.add(org_party(21, "Acme"));
  index.add(person_party(22, "Acme", ""));
  auto out = match_contact(org_contact("c1", "Acme"), index, exact_policy()).value();
  REQUIRE(std::holds_alternative<MatchConflict>(out));
  const auto& c = std::get<MatchConflict>(out).conflict;
  CHECK(c.kind == ConflictKind::ambiguous_match);
  CHECK(c.remote_id == "c1");
  CHECK(c.party_ids == std::vector<PartyId>{21, 22});
  CHECK_THAT(c.describe(), Catch::Contains("c1") && Catch::Contains("21") && Catch::Contains("22"));
}

TEST_CASE("R17 near-duplicate names are reported, not created", "[sync][matcher]") {
  InMemoryPartyIndex index;
  index.add(org_party(31, "A.C.M.E. Ltd"));
  auto out = match_contact(org_contact("c1", "acme"), index, exact_policy()).value();
  REQUIRE(std::holds_alternative<MatchConflict>(out));
  const auto& c = std::get<MatchConflict>(out).conflict;
  CHECK(c.kind == ConflictKind::near_duplicate);
  CHECK(c.remote_id == "c1");
  CHECK(c.party_ids == std::vector<PartyId>{31});
  CHECK_THAT(c.hint, Catch::Contains("A.C.M.E. Ltd"));
}

TEST_CASE("R17 a contact without a name is reported", "[sync][matcher]") {
  InMemoryPartyIndex index;
  auto out = match_contact(org_contact("c1", " "), index, exact_policy()).value();
  REQUIRE(std::holds_alternative<MatchConflict>(out));
  CHECK(std::get<MatchConflict>(out).conflict.kind == ConflictKind::unnamed_contact);
}
