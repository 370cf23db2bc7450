#pragma once
// The accounting-side contact details a Capsule party stands for (R10 push, R12 export), and
// the stable hash of exactly those fields (R11): a party whose only change was capsync's own
// summary, tag or note hashes the same, so it is not pushed.

#include <optional>
#include <string>

#include "core/model/contact.hpp"
#include "core/model/party.hpp"

namespace capsync::sync {

// From a linked or exported party: name ("First Last" for a person), first email, the first
// phone of each kind (main also takes work/home/direct/other when there is no main one),
// website, first address. `contact_person` stays empty.
model::ContactDetails details_from_party(const model::Party& party);

// What an R10 push (and the baseline of a link or export) sends for a linked party: its own
// details and, for an organisation, `person` as contact person (first and last name, email).
// The organisation's email falls back to the person's when it has none, as an R12 export
// does; the person's phones and address are not pushed onto the organisation.
model::ContactDetails push_details(const model::Party& party, const model::Party* person);

// Hash of every field of `details` (R11), in a fixed order.
std::string details_hash(const model::ContactDetails& details);

// The details a Capsule party was created with (R2/R14): used as the push baseline of a new
// link, so the party's first read-back is not pushed straight back.
model::ContactDetails details_from_spec(const model::PartySpec& spec);

}  // namespace capsync::sync
