#pragma once
// Push (R10, R11, R13): whether a change to a linked Capsule party goes to its accounting
// contact. Capsule is the source of truth for contact details; accounting-side edits to those
// fields are never pulled back. Only the pushed fields are hashed, so capsync's own summary,
// tag and note writes (and their echo in the next Capsule poll) never cause a push.

#include <optional>
#include <string>

#include "core/model/contact.hpp"
#include "core/model/party.hpp"
#include "core/sync/binding.hpp"
#include "core/sync/conflict.hpp"
#include "core/sync/contact_name_index.hpp"

namespace capsync::sync {

struct PushPlan {
  enum class Kind {
    nothing,     // the pushed fields are what was last pushed (or seen): no write
    baseline,    // first sight of the party since linking: remember `update` and its hash, write nothing
    push,        // send `update` to the accounting contact, then store it and `hash`
    name_clash,  // R13: the new name belongs to another accounting contact; `conflict` says which
  };
  Kind kind = Kind::nothing;
  model::ContactDetails update;  // push_details(): every pushed field as Capsule has it now
  // What Capsule had at the last push (or link): a field still equal to it is not Capsule's
  // change, so the accounting side keeps its own value. Empty when not known.
  std::optional<model::ContactDetails> previous;
  std::string hash;  // details_hash(update)
  std::optional<Conflict> conflict;
};

// `party` is the party's current Capsule state; `contact_person` the person pushed as its
// contact person (organisations only); `last_pushed` the details stored with `binding`.
// A failed read of `names` is returned.
Result<PushPlan> plan_push(const model::Party& party, const model::Party* contact_person,
                   const std::optional<model::ContactDetails>& last_pushed, const Binding& binding,
                   const ContactNameIndex& names);

}  // namespace capsync::sync
