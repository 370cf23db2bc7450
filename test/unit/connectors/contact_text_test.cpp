// What every accounting connector writes for a contact's street, person and email: one rule for
// all of them (core/connector/text.hpp, contact_details.hpp).

#include <catch2/catch.hpp>

#include "core/connector/contact_details.hpp"
#include "core/connector/text.hpp"

using namespace capsync;
using Strings = std::vector<std::string>;

TEST_CASE("street_lines trims, skips blank lines and joins the overflow into the last slot") {
  CHECK(connector::street_lines(" 1 High St \n\n Floor 2\nUnit 3\nBlock 4", 2) ==
        Strings{"1 High St", "Floor 2, Unit 3, Block 4"});
  CHECK(connector::street_lines("1 High St\nFloor 2", 4) == Strings{"1 High St", "Floor 2", "", ""});
  CHECK(connector::street_lines("", 3) == Strings{"", "", ""});
  CHECK(connector::street_lines("a\nb\nc\nd", 3) == Strings{"a", "b", "c, d"});
}

TEST_CASE("person_to_write: a person's own name, split from the whole when only that is known") {
  model::ContactDetails person;
  person.kind = model::ContactKind::person;
  person.name = "Jane van Dyke";
  CHECK(connector::person_to_write(person) == std::pair<std::string, std::string>{"Jane van", "Dyke"});
  person.first_name = " Jane ";
  CHECK(connector::person_to_write(person) == std::pair<std::string, std::string>{"Jane", ""});
}

TEST_CASE("person_to_write and email_to_write: an organisation's contact person, or nothing") {
  model::ContactDetails org;
  org.kind = model::ContactKind::organisation;
  org.name = "Acme Ltd";
  CHECK(connector::person_to_write(org) == std::pair<std::string, std::string>{});
  CHECK(connector::email_to_write(org).empty());
  org.contact_person = model::ContactPerson{};
  org.contact_person->first_name = " Ann ";
  org.contact_person->last_name = "Lee";
  org.contact_person->email = "ann@acme.test";
  CHECK(connector::person_to_write(org) == std::pair<std::string, std::string>{"Ann", "Lee"});
  CHECK(connector::email_to_write(org) == "ann@acme.test");
  org.email = "office@acme.test";
  CHECK(connector::email_to_write(org) == "office@acme.test");
}
