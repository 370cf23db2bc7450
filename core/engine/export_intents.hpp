#pragma once
// ExportIntents: R12 exports begun and not linked yet. Committed before the accounting create
// and dropped with the new link, so an export interrupted in between (a crash, a lost answer)
// is known to be a retry: the contact it may have created is looked up by name and linked
// instead of creating a second one (R13).

#include <cstdint>
#include <string>

#include "core/error/result.hpp"
#include "core/model/party.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

class ExportIntents final {
 public:
  ExportIntents(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  Result<bool> started(model::PartyId party) const;
  Status begin(model::PartyId party, std::int64_t now_ms);
  Status finish(model::PartyId party);

 private:
  store::Database& db_;
  std::string connection_;
};

}  // namespace capsync::engine
