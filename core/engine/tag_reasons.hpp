#pragma once
// TagReasons: which connections need a tag on a party of a shared Capsule account (R28), in
// `engine_tag_reasons`. Connections on one Capsule account share the overdue tag by meaning:
// each records its own reason, and the tag goes only with the last one. Rows are the store's,
// so they survive restarts and no connection reads another's provider data.

#include <string>
#include <string_view>

#include "core/error/result.hpp"
#include "core/model/party.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

class TagReasons final {
 public:
  TagReasons(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  // Records (or drops) this connection's reason for `tag` on `party` of Capsule account `account`.
  Status set(std::string_view account, model::PartyId party, std::string_view tag, bool needed);
  // Whether another connection on `account` still has a reason for `tag` on `party`.
  Result<bool> needed_by_others(std::string_view account, model::PartyId party, std::string_view tag) const;

 private:
  store::Database& db_;
  std::string connection_;
};

}  // namespace capsync::engine
