#pragma once
// Party: a Capsule CRM person or organisation as capsync needs it (Capsule API v2 party).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/contact_items.hpp"
#include "core/model/date_time.hpp"

namespace capsync::model {

using PartyId = std::int64_t;

enum class PartyType { person, organisation };
std::string_view to_string(PartyType type);

struct TeamRef {
  std::optional<std::int64_t> id;  // empty when only the name is known (config default_team)
  std::string name;
  friend bool operator==(const TeamRef&, const TeamRef&) = default;
};

struct Tag {
  std::optional<std::int64_t> id;
  std::string name;
  friend bool operator==(const Tag&, const Tag&) = default;
};

// A custom field value (embed=fields). Capsule returns numbers as strings; dates as "YYYY-MM-DD".
struct CustomFieldValue {
  std::optional<std::int64_t> id;  // the value's id; ids can collide across entity types
  std::int64_t definition_id = 0;
  std::string value;
  friend bool operator==(const CustomFieldValue&, const CustomFieldValue&) = default;
};

struct OrganisationRef {
  PartyId id = 0;
  std::string name;
  friend bool operator==(const OrganisationRef&, const OrganisationRef&) = default;
};

struct Party {
  PartyId id = 0;
  PartyType type = PartyType::organisation;
  std::string name;        // organisation only
  std::string first_name;  // person only
  std::string last_name;   // person only
  std::string job_title;   // person only
  std::optional<OrganisationRef> organisation;  // person only: the organisation they belong to
  std::vector<EmailAddress> emails;
  std::vector<PhoneNumber> phones;
  std::vector<Address> addresses;
  std::vector<Website> websites;
  std::optional<TeamRef> team;
  std::vector<Tag> tags;
  std::vector<CustomFieldValue> fields;
  std::optional<Timestamp> updated_at;

  // The name both sides match on (R1): organisation name, or "First Last" for a person.
  std::string display_name() const;
  bool has_tag(std::string_view tag_name) const;  // exact, case-sensitive as Capsule stores it
  const CustomFieldValue* field(std::int64_t definition_id) const;

  friend bool operator==(const Party&, const Party&) = default;
};

// What capsync asks Capsule to create (R2 import, R14 recreate). Never an owner (R4).
struct PartySpec {
  PartyType type = PartyType::organisation;
  std::string name;        // organisation
  std::string first_name;  // person
  std::string last_name;   // person
  std::vector<EmailAddress> emails;
  std::vector<PhoneNumber> phones;
  std::vector<Address> addresses;
  std::vector<Website> websites;
  std::optional<TeamRef> team;  // R4 default_team by name; empty = Unassigned
  // The invoice summary (R6) written with the create, so a new party costs one write: field
  // values by definition id (none empty) and tags by name.
  std::vector<CustomFieldValue> fields;
  std::vector<std::string> tags;

  std::string display_name() const;
  friend bool operator==(const PartySpec&, const PartySpec&) = default;
};

}  // namespace capsync::model
