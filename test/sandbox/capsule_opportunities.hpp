#pragma once
// Fake Capsule opportunities, pipelines and milestones (API v2), in Capsule's shapes:
//   GET /opportunities?since=&page=&perPage=&embed=party,milestone,fields,tags
//   GET /opportunities/deleted?since=     GET /opportunities/{id}
//   GET /pipelines                        GET /pipelines/{id}/milestones
//   GET /milestones                       (the oldest pipeline's, kept for compatibility)
// Sources: https://developer.capsulecrm.com/v2/operations/Opportunity,
// https://developer.capsulecrm.com/v2/operations/Milestone (../shared/api/webhooks-quotes.md §2.2-2.3).
//
// Seed keys of the "capsule" section: "pipelines" [{id,name}], "milestones" [{id,name,pipeline:{id},
// complete,probability}], "opportunities" [{id,name,description,party:{id},milestone:{id},
// value:{amount,currency},expectedCloseOn,durationBasis,duration,closedOn,tags,createdAt,updatedAt}].

#include <string_view>
#include <vector>

#include "test/sandbox/capsule_state.hpp"
#include "test/sandbox/http_message.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

// The routes above; `parts` are the path segments after /api/v2.
Response opportunities_route(CapsuleState& state, const SandboxContext& context, const Request& request,
                             const std::vector<std::string_view>& parts);

// Seed loading and /_admin/state for the records above (CapsuleState::load_seed and dump call them).
void load_opportunity_seed(CapsuleState& state, const rapidjson::Value& section, std::string_view stamp);
void dump_opportunities(const CapsuleState& state, JsonWriter& writer);

}  // namespace capsync::sandbox
