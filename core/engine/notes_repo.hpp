#pragma once
// NotesRepo: which Capsule note holds a linked party's invoice list (R7), so it is updated in
// place and never duplicated.

#include <cstdint>
#include <optional>
#include <string>

#include "core/error/result.hpp"
#include "core/model/party.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

class NotesRepo final {
 public:
  NotesRepo(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  Result<std::optional<std::int64_t>> get(model::PartyId party) const;
  Status put(model::PartyId party, std::int64_t note_id);
  Status erase(model::PartyId party);

  const std::string& connection() const { return connection_; }

 private:
  store::Database& db_;
  std::string connection_;
};

}  // namespace capsync::engine
