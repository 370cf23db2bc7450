#pragma once
// Matcher: decides what to do with one qualifying, unlinked accounting contact (R1, R2, R4,
// R17): link it to the one Capsule party with its name, create a party, or report a conflict.
//
// Near-duplicates (R17): when no party has the contact's name (exact, or normalized when the
// connection opts in) but some party's near_key equals the contact's, nothing is created and a
// near_duplicate conflict is reported. Creating would knowingly add a second "Acme Ltd" next
// to "ACME Limited" in Capsule, which someone would then have to find and merge; linking would
// fold names the operator did not ask to fold. The contact links on the next sync once a person
// renames one side to the same name or turns on `matching: normalized`.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/model/contact.hpp"
#include "core/model/party.hpp"
#include "core/sync/conflict.hpp"
#include "core/sync/party_index.hpp"
#include "core/sync/policy.hpp"

namespace capsync::sync {

struct MatchLink {
  PartyCandidate party;
  friend bool operator==(const MatchLink&, const MatchLink&) = default;
};

struct MatchCreate {
  model::PartySpec spec;
  friend bool operator==(const MatchCreate&, const MatchCreate&) = default;
};

struct MatchConflict {
  Conflict conflict;
  friend bool operator==(const MatchConflict&, const MatchConflict&) = default;
};

using MatchOutcome = std::variant<MatchLink, MatchCreate, MatchConflict>;

// What a person can do about a near_duplicate conflict with `parties` (their names, for people).
std::string near_duplicate_hint(std::string_view parties, const ConnectionPolicy& policy);

// `contact` is assumed to qualify (rules.hpp) and to have no binding. A failed read of
// `parties` is returned, never taken for "no party" (which would create one).
Result<MatchOutcome> match_contact(const model::Contact& contact, const PartyIndex& parties,
                           const ConnectionPolicy& policy);

// R2/R4: the Capsule party created for a contact: a person when the provider says the
// contact is a person (with a first or last name), else an organisation; contact details
// copied; the connection's default team; no owner.
model::PartySpec party_spec_for(const model::Contact& contact, const ConnectionPolicy& policy);

}  // namespace capsync::sync
