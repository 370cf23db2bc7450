#include "core/sync/matcher.hpp"

#include <fmt/format.h>

#include "core/model/name_key.hpp"

namespace capsync::sync {

namespace {

std::vector<model::PartyId> ids_of(const std::vector<PartyCandidate>& candidates) {
  std::vector<model::PartyId> ids;
  for (const auto& c : candidates) ids.push_back(c.id);
  return ids;
}

std::string names_of(const std::vector<PartyCandidate>& candidates) {
  std::string out;
  for (const auto& c : candidates) {
    out += fmt::format("{}'{}' ({})", out.empty() ? "" : ", ", c.name, c.id);
  }
  return out;
}

}  // namespace

model::PartySpec party_spec_for(const model::Contact& contact, const ConnectionPolicy& policy) {
  model::PartySpec spec;
  const bool person = contact.kind == model::ContactKind::person &&
                      !(model::exact_key(contact.first_name).empty() && model::exact_key(contact.last_name).empty());
  if (person) {
    spec.type = model::PartyType::person;
    spec.first_name = model::exact_key(contact.first_name);
    spec.last_name = model::exact_key(contact.last_name);
  } else {
    spec.type = model::PartyType::organisation;
    spec.name = model::exact_key(contact.display_name());
  }
  for (const auto& email : contact.emails) {
    if (!email.empty()) spec.emails.push_back(model::EmailAddress{std::nullopt, {}, email});
  }
  for (auto phone : contact.phones) {
    if (phone.number.empty()) continue;
    phone.id.reset();
    spec.phones.push_back(std::move(phone));
  }
  for (auto address : contact.addresses) {
    if (address.empty()) continue;
    address.id.reset();
    spec.addresses.push_back(std::move(address));
  }
  if (!contact.website.empty()) spec.websites.push_back(model::Website{std::nullopt, "URL", contact.website});
  if (policy.default_team && !policy.default_team->empty()) {
    spec.team = model::TeamRef{std::nullopt, *policy.default_team};
  }
  return spec;
}

std::string near_duplicate_hint(std::string_view parties, const ConnectionPolicy& policy) {
  return fmt::format("Not created: {}, which differs only by case, spacing, punctuation or legal suffix. Rename "
                     "one side to the same name to link them{}, or rename the accounting contact to a clearly "
                     "different name to create a new party.",
                     parties, policy.matching == config::Matching::normalized ? "" : " (or set matching: normalized)");
}

Result<MatchOutcome> match_contact(const model::Contact& contact, const PartyIndex& parties,
                           const ConnectionPolicy& policy) {
  const std::string name = contact.display_name();
  if (model::exact_key(name).empty()) {
    return MatchOutcome{MatchConflict{make_conflict(ConflictKind::unnamed_contact, contact.remote_id, {}, {}, name,
                                       "Give the contact a name in the accounting service.")}};
  }
  const bool normalized = policy.matching == config::Matching::normalized;
  auto found = normalized ? parties.find_by_normalized_key(model::normalized_key(name))
                          : parties.find_by_exact_key(model::exact_key(name));
  if (!found) return found.error();
  const auto& matches = *found;
  if (matches.size() == 1) return MatchOutcome{MatchLink{matches.front()}};
  if (matches.size() > 1) {
    return MatchOutcome{MatchConflict{make_conflict(
        ConflictKind::ambiguous_match, contact.remote_id, {}, ids_of(matches), name,
        fmt::format("Capsule has {} parties named like this: {}. Rename or merge them in Capsule so "
                    "exactly one has the name '{}'.",
                    matches.size(), names_of(matches), name))}};
  }
  auto near = parties.find_by_near_key(model::near_key(name));
  if (!near) return near.error();
  if (!near->empty()) {
    return MatchOutcome{MatchConflict{make_conflict(ConflictKind::near_duplicate, contact.remote_id, {}, ids_of(*near), name,
                                       near_duplicate_hint(fmt::format("Capsule has {}", names_of(*near)), policy))}};
  }
  return MatchOutcome{MatchCreate{party_spec_for(contact, policy)}};
}

}  // namespace capsync::sync
