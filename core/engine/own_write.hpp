#pragma once
// What the party mirror holds after capsync's own write to a Capsule party (R11). Capsule
// answers a write with the whole party, which also carries any edit someone made since capsync
// last read it. Stored as is, the next read would find nothing new and that edit would never be
// pushed (R10). So the mirror takes from the answer only what the write changed (and Capsule's
// bookkeeping: ids, updatedAt); everything else stays as capsync read it, and a real edit shows
// as a difference in content at the next read, while a pure echo matches exactly.

#include "core/connector/capsule_types.hpp"
#include "core/model/party.hpp"

namespace capsync::engine {

model::Party mirror_after_write(const model::Party& read, const model::Party& answer,
                                const connector::PartyPatch& patch);

}  // namespace capsync::engine
