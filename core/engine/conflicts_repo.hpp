#pragma once
// ConflictsRepo: decisions that need a person (R17), in the `conflicts` table that
// `capsyncctl conflicts` shows, deduplicated by the conflict's stable identity so a sync that
// meets the same situation again records nothing new. A person closes a conflict with
// `capsyncctl conflicts resolve`: an ignored one stays known, so the same situation is never
// reported again; a linked one is forgotten, as its binding ends the situation.

#include <cstdint>
#include <optional>
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
  std::string kind, capsule_id, remote_id, detail;  // capsule_id: party ids joined by ","
  std::string connection;
  std::int64_t created_at_ms = 0;
};

class ConflictsRepo;

// Records each record a listed page could not read as a conflict (R17) and logs the new ones:
// the visible trace of a record the sync went on without. `record` names what was listed
// ("accounting contact", "Capsule party", ...); `capsule` says whose ids they are.
Status record_unreadable(ConflictsRepo& conflicts, const std::vector<model::UnreadableRecord>& records,
                         std::string_view record, bool capsule, int page, std::string_view connection,
                         std::int64_t now_ms);

class ConflictsRepo final : public sync::ConflictLog {
 public:
  ConflictsRepo(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  // True when an open or ignored conflict with this identity is recorded; the store's error
  // when it cannot be read.
  Result<bool> contains(std::string_view identity) const override;
  // Records `conflict` unless it is already open; returns true when it was new.
  Result<bool> record(const sync::Conflict& conflict, std::int64_t now_ms);
  // Closes the open conflict with this identity, if any, and forgets the identity: capsync
  // itself saw the situation end (a quote was drafted after all).
  Status settle(std::string_view identity, std::int64_t now_ms);
  // Open conflicts, oldest first.
  Result<std::vector<StoredConflict>> open() const;
  // How many conflicts of the connection are open.
  Result<std::int64_t> count_open() const;

  // An open conflict of any connection by id; nullopt when there is none or it is resolved.
  static Result<std::optional<StoredConflict>> find_open(store::Database& db, std::int64_t id);
  // Closes an open conflict. `keep_identity` (ignore) keeps the situation known so it is not
  // recorded again; otherwise (linked) it may be reported again if it comes back.
  static Status resolve(store::Database& db, std::int64_t id, bool keep_identity, std::int64_t now_ms);
  // `capsyncctl conflicts resolve --link`: in one transaction, links Capsule party `party` to
  // the conflict's accounting contact (a link capsync did not create, with the contact's
  // role), marks the contact for the next sync and closes the conflict. Errc::conflict when the
  // party is linked to another contact; Errc::not_found when either side has not been read.
  static Status resolve_by_link(store::Database& db, const StoredConflict& conflict, model::PartyId party,
                                std::int64_t now_ms);

 private:
  store::Database& db_;
  std::string connection_;
};

}  // namespace capsync::engine
