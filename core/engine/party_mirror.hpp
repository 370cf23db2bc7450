#pragma once
// PartyMirror: a local copy of a connection's Capsule parties with their R1/R17 name keys,
// kept current by the incremental Capsule pull. It is the reconciler's PartyIndex, so linking
// 10,000 contacts costs the ~100 page reads of the pull instead of 10,000 searches.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/model/party.hpp"
#include "core/sync/party_index.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

class PartyMirror final : public sync::PartyIndex {
 public:
  PartyMirror(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  // The store's error when the mirror cannot be read, never an empty list in its place.
  Result<std::vector<sync::PartyCandidate>> find_by_exact_key(std::string_view key) const override;
  Result<std::vector<sync::PartyCandidate>> find_by_normalized_key(std::string_view key) const override;
  Result<std::vector<sync::PartyCandidate>> find_by_near_key(std::string_view key) const override;

  Status upsert(const model::Party& party);
  Status remove(model::PartyId id);
  // True when the mirror holds exactly this record (an incremental read delivered it again).
  Result<bool> holds(const model::Party& party) const;
  // The party as last read; nullopt when it is not mirrored.
  Result<std::optional<model::Party>> get(model::PartyId id) const;
  // R10: the person an organisation's accounting contact gets as contact person: `recorded`
  // (the person a B2B export was made for) while they still belong to it, else its first
  // person by Capsule id; nullopt when it has none in the mirror.
  Result<std::optional<model::Party>> contact_person_of(model::PartyId organisation,
                                                        std::optional<model::PartyId> recorded) const;

 private:
  Result<std::vector<sync::PartyCandidate>> find(std::string_view column, std::string_view key) const;

  store::Database& db_;
  std::string connection_;
};

}  // namespace capsync::engine
