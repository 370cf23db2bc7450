#pragma once
// Plain request/response types of the Capsule side (no JSON, no Asio).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/party.hpp"

namespace capsync::connector {

// Changes to push to one party (R6 summary, R10 is the other direction, R14/R16).
// Nested lists hold the *desired* list: items carrying a Capsule id that is still wanted are
// kept (and updated if they differ), items without an id are added, and current items whose
// id is missing from the desired list are deleted with `_delete: true` (design §3).
// std::nullopt = leave that list alone.
struct PartyPatch {
  std::optional<std::string> name;        // organisation
  std::optional<std::string> first_name;  // person
  std::optional<std::string> last_name;   // person
  std::optional<std::vector<model::EmailAddress>> emails;
  std::optional<std::vector<model::PhoneNumber>> phones;
  std::optional<std::vector<model::Address>> addresses;
  std::optional<std::vector<model::Website>> websites;

  // Custom field values by definition id; an empty value clears the field.
  std::vector<model::CustomFieldValue> set_fields;
  std::vector<std::string> add_tags;     // by name; Capsule creates unknown tags
  std::vector<std::string> remove_tags;  // by name; ignored when the party does not have it
  std::optional<model::TeamRef> team;    // needs an id (resolve_team)

  bool empty() const {
    return !name && !first_name && !last_name && !emails && !phones && !addresses && !websites &&
           set_fields.empty() && add_tags.empty() && remove_tags.empty() && !team;
  }
};

struct DeletedParty {
  model::PartyId id = 0;
  std::optional<model::Timestamp> deleted_at;
};

enum class FieldType { text, number, date, list, boolean, link, large_text, other };

struct FieldDefinition {
  std::int64_t id = 0;
  std::string name;
  FieldType type = FieldType::other;
  std::string capture_rule;  // "person", "organisation" or empty (both)
};

// The Capsule account ("site") a token reaches, read once (GET /site). Connections whose keys
// are equal share one Capsule account (R28).
struct CapsuleAccount {
  std::string key;        // the API host and the account's subdomain, "api.capsulecrm.com/acme"
  std::string subdomain;  // "acme"
  std::string name;       // the account's name, for status and the journal
};

struct Note {
  std::int64_t id = 0;
  model::PartyId party_id = 0;  // 0 for a note on an opportunity
  std::string content;
};

}  // namespace capsync::connector
