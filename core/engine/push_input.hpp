#pragma once
// PushInput: what an R10 push of a linked Capsule party is decided from besides the party
// itself, read from the store: the organisation's contact person (PartyMirror::
// contact_person_of) and the details last pushed to (or linked with) its accounting contact.

#include <optional>
#include <string_view>

#include "core/engine/connection_store.hpp"
#include "core/error/result.hpp"
#include "core/model/contact.hpp"
#include "core/model/party.hpp"

namespace capsync::engine {

struct PushInput {
  std::optional<model::Party> contact_person;  // organisations only
  std::optional<model::ContactDetails> last_pushed;
};

// `remote_id` is the accounting contact `party` is linked to.
Result<PushInput> push_input(const ConnectionStore& store, const model::Party& party, std::string_view remote_id);

// What a push of `party` sends now (sync::push_details with its contact person): the baseline
// a new link stores and what the pushed hash is compared with.
Result<model::ContactDetails> linked_details(const ConnectionStore& store, const model::Party& party,
                                             std::string_view remote_id);

}  // namespace capsync::engine
