#include "connectors/freshbooks/eastern_time.hpp"

#include <charconv>

#include <date/tz.h>

namespace capsync::freshbooks {
namespace {

const date::time_zone& eastern() {
  static const date::time_zone* zone = date::locate_zone("America/New_York");
  return *zone;
}

bool read(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  auto [p, ec] = std::from_chars(text.data() + pos, text.data() + pos + width, out);
  return ec == std::errc{} && p == text.data() + pos + width;
}

}  // namespace

Result<model::Timestamp> parse_eastern_time(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  bool shape = text.size() == 19 && text[4] == '-' && text[7] == '-' && text[10] == ' ' && text[13] == ':' &&
               text[16] == ':' && read(text, 0, 4, y) && read(text, 5, 2, mo) && read(text, 8, 2, d) &&
               read(text, 11, 2, h) && read(text, 14, 2, mi) && read(text, 17, 2, s);
  date::year_month_day ymd{date::year(y), date::month(static_cast<unsigned>(mo)), date::day(static_cast<unsigned>(d))};
  if (!shape || !ymd.ok() || h > 23 || mi > 59 || s > 59)
    return make_error(Errc::protocol, "'{}' is not a FreshBooks date-time (YYYY-MM-DD HH:MM:SS)", text);
  try {
    auto local = date::local_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s);
    return model::Timestamp{std::chrono::duration_cast<std::chrono::milliseconds>(
        eastern().to_sys(local, date::choose::earliest).time_since_epoch())};
  } catch (const std::exception& e) {
    return make_error(Errc::protocol, "cannot read '{}' as US/Eastern time: {}", text, e.what());
  }
}

model::Date eastern_date(model::Timestamp instant) {
  return model::Date{date::floor<date::days>(eastern().to_local(instant))};
}

}  // namespace capsync::freshbooks
