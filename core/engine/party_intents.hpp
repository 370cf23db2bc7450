#pragma once
// PartyIntents: R2/R14 Capsule party creates begun and not linked yet, by accounting contact.
// Committed before the create and dropped with the binding it ends in, so a party created just
// before a crash (or whose answer was lost), then found by name and linked on retry, is still
// known as created by capsync.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error/result.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

class PartyIntents final {
 public:
  PartyIntents(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  Result<bool> started(std::string_view remote_id) const;
  Status begin(std::string_view remote_id, std::int64_t now_ms);
  Status finish(std::string_view remote_id);

 private:
  store::Database& db_;
  std::string connection_;
};

}  // namespace capsync::engine
