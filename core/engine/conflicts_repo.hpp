#pragma once
// ConflictsRepo: decisions that need a person (R17), in the `conflicts` table that
// `capsyncctl conflicts` shows, deduplicated by the conflict's stable identity so a sync that
// meets the same situation again records nothing new.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/sync/conflict.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

struct StoredConflict {
  std::int64_t id = 0;
  std::string kind, capsule_id, remote_id, detail;
};

class ConflictsRepo final : public sync::ConflictLog {
 public:
  ConflictsRepo(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  // True when an open conflict with this identity is recorded.
  bool contains(std::string_view identity) const override;
  // Records `conflict` unless it is already open; returns true when it was new.
  Result<bool> record(const sync::Conflict& conflict, std::int64_t now_ms);
  // Open conflicts, oldest first.
  Result<std::vector<StoredConflict>> open() const;

 private:
  store::Database& db_;
  std::string connection_;
};

}  // namespace capsync::engine
