#pragma once
// Opportunity: a Capsule deal in the neutral model, as far as a draft quote needs it (R19-R22),
// and the milestones of Capsule's pipelines (quotes.from_milestone names one).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/date_time.hpp"
#include "core/model/money.hpp"
#include "core/model/party.hpp"

namespace capsync::model {

using OpportunityId = std::int64_t;

// How Capsule spreads an opportunity's value over time ("5,000 per month for 3 months").
enum class DurationBasis { fixed, hour, day, week, month, quarter, year };
std::string_view to_string(DurationBasis basis);
// Capsule's spelling ("FIXED", "MONTH", ...); nullopt for anything else.
std::optional<DurationBasis> parse_duration_basis(std::string_view text);

struct Milestone {
  std::int64_t id = 0;
  std::string name;
  std::int64_t pipeline_id = 0;
  std::string pipeline;   // the pipeline's name
  bool complete = false;  // a closing milestone (won/lost) of the old model
  friend bool operator==(const Milestone&, const Milestone&) = default;
};

struct Opportunity {
  OpportunityId id = 0;
  std::string name;
  std::string description;
  PartyId party_id = 0;  // the main contact (Capsule requires one)
  std::int64_t milestone_id = 0;
  std::string milestone;  // its name
  std::optional<Money> value;  // exact; its currency is the value's (R8)
  std::optional<Date> expected_close;
  DurationBasis duration_basis = DurationBasis::fixed;
  std::optional<std::int64_t> duration;  // periods of duration_basis; none when fixed
  std::optional<Date> closed_on;         // won or lost
  std::vector<Tag> tags;                 // with embed=tags
  std::optional<Timestamp> updated_at;

  bool has_tag(std::string_view name) const;
  friend bool operator==(const Opportunity&, const Opportunity&) = default;
};

}  // namespace capsync::model
