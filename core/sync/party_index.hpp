#pragma once
// PartyIndex: looks Capsule parties up by name key (R1, R17). The daemon implements it over
// its store (keys computed with core/model/name_key); InMemoryPartyIndex serves tests and plan.
// A failed read returns the store's error, never "no party", which would create a duplicate.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/model/party.hpp"

namespace capsync::sync {

struct PartyCandidate {
  model::PartyId id = 0;
  model::PartyType type = model::PartyType::organisation;
  std::string name;  // display name: organisation name or "First Last"
  friend bool operator==(const PartyCandidate&, const PartyCandidate&) = default;
};

class PartyIndex {
 public:
  virtual ~PartyIndex() = default;
  // Every party (person or organisation) whose display name has this key, ordered by id.
  virtual Result<std::vector<PartyCandidate>> find_by_exact_key(std::string_view key) const = 0;
  virtual Result<std::vector<PartyCandidate>> find_by_normalized_key(std::string_view key) const = 0;
  virtual Result<std::vector<PartyCandidate>> find_by_near_key(std::string_view key) const = 0;
};

class InMemoryPartyIndex final : public PartyIndex {
 public:
  void add(PartyCandidate party);
  void add(const model::Party& party);
  void remove(model::PartyId id);

  Result<std::vector<PartyCandidate>> find_by_exact_key(std::string_view key) const override;
  Result<std::vector<PartyCandidate>> find_by_normalized_key(std::string_view key) const override;
  Result<std::vector<PartyCandidate>> find_by_near_key(std::string_view key) const override;

 private:
  std::vector<PartyCandidate> find(std::string_view key, std::string (*key_of)(std::string_view)) const;
  std::map<model::PartyId, PartyCandidate> parties_;
};

}  // namespace capsync::sync
