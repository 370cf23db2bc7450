#pragma once
// Capsule opportunity and milestone JSON -> model (API v2,
// https://developer.capsulecrm.com/v2/operations/Opportunity and /v2/operations/Milestone).
// `value.amount` is a JSON number read from its exact text (R8); `party` and `milestone` are
// read by id, whether embedded in full or in short form.

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/error/result.hpp"
#include "core/model/opportunity.hpp"
#include "core/model/unreadable_record.hpp"

namespace capsync::capsule {

Result<model::Opportunity> parse_opportunity(const rapidjson::Value& element);

struct OpportunitiesPage {
  std::vector<model::Opportunity> opportunities;
  std::vector<model::UnreadableRecord> unreadable;  // elements skipped, each described
};
// {"opportunities":[...]}: Errc::protocol when the body is not such a list.
Result<OpportunitiesPage> parse_opportunities_body(std::string_view body);

// {"milestones":[{id,name,pipeline{id,name},complete,...}]} of /pipelines/{id}/milestones.
Result<std::vector<model::Milestone>> parse_milestones_body(std::string_view body);
// {"pipelines":[{id,name}]}: the pipeline ids.
Result<std::vector<std::int64_t>> parse_pipeline_ids(std::string_view body);

// {"opportunity":{...}} of GET /opportunities/{id}.
Result<model::Opportunity> parse_opportunity_body(std::string_view body);
// PUT /opportunities/{id} adding one tag by name: {"opportunity":{"tags":[{"name":"…"}]}}. Tags
// not named stay (https://developer.capsulecrm.com/v2/operations/Opportunity, "Update
// opportunity"; tags as for parties).
std::string opportunity_tag_body(std::string_view tag);

}  // namespace capsync::capsule
