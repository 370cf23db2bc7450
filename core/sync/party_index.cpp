#include "core/sync/party_index.hpp"

#include "core/model/name_key.hpp"

namespace capsync::sync {

void InMemoryPartyIndex::add(PartyCandidate party) { parties_[party.id] = std::move(party); }

void InMemoryPartyIndex::add(const model::Party& party) {
  add(PartyCandidate{party.id, party.type, party.display_name()});
}

void InMemoryPartyIndex::remove(model::PartyId id) { parties_.erase(id); }

std::vector<PartyCandidate> InMemoryPartyIndex::find(
    std::string_view key, std::string (*key_of)(std::string_view)) const {
  std::vector<PartyCandidate> out;
  if (key.empty()) return out;
  for (const auto& [id, party] : parties_) {
    if (key_of(party.name) == key) out.push_back(party);
  }
  return out;
}

Result<std::vector<PartyCandidate>> InMemoryPartyIndex::find_by_exact_key(std::string_view key) const {
  return find(key, &model::exact_key);
}

Result<std::vector<PartyCandidate>> InMemoryPartyIndex::find_by_normalized_key(std::string_view key) const {
  return find(key, &model::normalized_key);
}

Result<std::vector<PartyCandidate>> InMemoryPartyIndex::find_by_near_key(std::string_view key) const {
  return find(key, &model::near_key);
}

}  // namespace capsync::sync
