#pragma once
// Conflict: a decision that needs a person (R17), with both sides' ids. Its identity is the
// kind plus the ids (not names or wording), so re-running a sync finds the same conflict
// instead of recording it again.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/model/party.hpp"
#include "core/model/unreadable_record.hpp"

namespace capsync::sync {

enum class ConflictKind {
  ambiguous_match,              // R2: several Capsule parties have the contact's name
  name_clash,                   // R13: the name already exists on the side we would write to
  supplier_customer_same_name,  // two accounting contacts, a supplier and a customer, one name
  near_duplicate,               // names differ only by case, spacing, punctuation, legal suffix
  refused_by_api,               // a provider refused a write capsync made
  unnamed_contact,              // an accounting contact with no name cannot be matched or created
  unreadable_record,            // a listed record capsync could not read was skipped
  quote_not_drafted,            // R19: an opportunity at the milestone got no quote (no linked contact,
                                // no value, or the service refused it)
};
std::string_view to_string(ConflictKind kind);

struct Conflict {
  ConflictKind kind = ConflictKind::ambiguous_match;
  std::string remote_id;                   // the accounting contact the decision is about, if any
  std::vector<std::string> other_remote_ids;  // other accounting contacts involved, sorted
  std::vector<model::PartyId> party_ids;      // Capsule parties involved, sorted
  std::string name;                        // the name in question, for people
  std::string hint;                        // what a person can do about it

  // "near_duplicate|r:<id>|o:<id>,<id>|p:<id>,<id>": stable across runs and wording changes.
  // When both sides are accounting contacts (remote_id and other_remote_ids set), the party is
  // context, not identity: it may be created only after the first pass names the conflict.
  std::string identity() const;
  // One line naming both sides: "Ambiguous match: accounting contact 'Acme' (r-1) matches
  // Capsule parties 11, 12. Rename one of the parties ...".
  std::string describe() const;

  friend bool operator==(const Conflict&, const Conflict&) = default;
};

// Builds a conflict with its id lists sorted and de-duplicated.
Conflict make_conflict(ConflictKind kind, std::string remote_id, std::vector<std::string> other_remote_ids,
                       std::vector<model::PartyId> party_ids, std::string name, std::string hint);

// A record a listing skipped because it could not be read. `record` says what it is
// ("accounting contact", "Capsule party", ...); its id, when readable, goes in remote_id (or
// party_ids for a Capsule party), its name in name, and where it was and what was wrong in hint.
Conflict unreadable_conflict(std::string_view record, bool capsule, int page, const model::UnreadableRecord& r);

// Which conflicts are already recorded (and not resolved): the store, or a set in tests.
class ConflictLog {
 public:
  virtual ~ConflictLog() = default;
  // True when an open or ignored conflict with this identity is recorded; the store's error
  // when it cannot tell.
  virtual Result<bool> contains(std::string_view identity) const = 0;
};

class InMemoryConflictLog final : public ConflictLog {
 public:
  void record(const Conflict& conflict) { identities_.insert(conflict.identity()); }
  Result<bool> contains(std::string_view identity) const override {
    return identities_.find(identity) != identities_.end();
  }
  std::size_t size() const { return identities_.size(); }

 private:
  std::set<std::string, std::less<>> identities_;
};

}  // namespace capsync::sync
