#include "core/model/opportunity.hpp"

#include <array>
#include <utility>

namespace capsync::model {

namespace {
constexpr std::array<std::pair<DurationBasis, std::string_view>, 7> kBases{{{DurationBasis::fixed, "FIXED"},
                                                                              {DurationBasis::hour, "HOUR"},
                                                                              {DurationBasis::day, "DAY"},
                                                                              {DurationBasis::week, "WEEK"},
                                                                              {DurationBasis::month, "MONTH"},
                                                                              {DurationBasis::quarter, "QUARTER"},
                                                                              {DurationBasis::year, "YEAR"}}};
}  // namespace

std::string_view to_string(DurationBasis basis) {
  for (const auto& [b, text] : kBases)
    if (b == basis) return text;
  return "FIXED";
}

std::optional<DurationBasis> parse_duration_basis(std::string_view text) {
  for (const auto& [b, name] : kBases)
    if (name == text) return b;
  return std::nullopt;
}

bool Opportunity::has_tag(std::string_view tag) const {
  for (const auto& t : tags)
    if (t.name == tag) return true;
  return false;
}

}  // namespace capsync::model
