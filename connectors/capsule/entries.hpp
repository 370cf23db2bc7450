#pragma once
// Capsule entries (notes) for R7: one note per party holding its invoice list; and for R22, one
// note per opportunity showing its quote (https://developer.capsulecrm.com/v2/operations/Entry:
// an entry belongs to a party, an opportunity or a project, and GET /{entity}/{id}/entries
// lists those of one).

#include <string>
#include <string_view>
#include <vector>

#include "core/connector/capsule_types.hpp"
#include "core/error/result.hpp"
#include "core/model/opportunity.hpp"

namespace capsync::capsule {

// POST /entries: {"entry":{"party":{"id":P},"type":"note","content":"…"}}.
std::string note_create_body(model::PartyId party, std::string_view content);
// POST /entries: {"entry":{"opportunity":{"id":O},"type":"note","content":"…"}}.
std::string opportunity_note_create_body(model::OpportunityId opportunity, std::string_view content);
// PUT /entries/{id}: {"entry":{"content":"…"}}.
std::string note_update_body(std::string_view content);
// {"entry":{...}}.
Result<connector::Note> parse_entry_body(std::string_view body);
// {"entries":[...]} (GET /parties/{id}/entries): the notes, in the order given; other entry
// types (emails, tasks) are left out.
Result<std::vector<connector::Note>> parse_notes_body(std::string_view body);

}  // namespace capsync::capsule
