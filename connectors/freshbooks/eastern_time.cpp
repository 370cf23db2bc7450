#include "connectors/freshbooks/eastern_time.hpp"

#include <date/tz.h>

namespace capsync::freshbooks {
namespace {

constexpr std::string_view kEastern = "America/New_York";

const date::time_zone& eastern() {
  static const date::time_zone* zone = date::locate_zone(kEastern);
  return *zone;
}

}  // namespace

Result<model::Timestamp> parse_eastern_time(std::string_view text) {
  // Exactly "YYYY-MM-DD HH:MM:SS": FreshBooks writes neither fractions nor offsets.
  auto t = model::parse_timestamp(text, {.separator = ' ', .zone = kEastern});
  if (!t || text.size() != 19) return make_error(Errc::protocol, "'{}' is not a FreshBooks date-time (YYYY-MM-DD HH:MM:SS)", text);
  return *t;
}

model::Date eastern_date(model::Timestamp instant) {
  return model::Date{date::floor<date::days>(eastern().to_local(instant))};
}

}  // namespace capsync::freshbooks
