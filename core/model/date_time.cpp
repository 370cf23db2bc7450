#include "core/model/date_time.hpp"

#include <date/tz.h>

#include <exception>
#include <sstream>

namespace capsync::model {
namespace {

bool digits_at(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return false;
  for (std::size_t i = pos; i < pos + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int two_digits(std::string_view s, std::size_t pos) { return (s[pos] - '0') * 10 + (s[pos + 1] - '0'); }

// Reads `text` whole with date::parse. The caller has checked the fixed-width shape first:
// date::parse alone would also take one-digit months, days and hours.
template <typename T>
bool date_parse(std::string_view text, const char* format, T& out) {
  // One stream per thread: building a stream (and its locale) costs more than the parse.
  thread_local std::istringstream in;
  in.clear();
  in.str(std::string(text));
  in >> date::parse(format, out);
  return !in.fail() && in.peek() == std::char_traits<char>::eof();
}

bool date_shape(std::string_view s) {
  return digits_at(s, 0, 4) && s.size() >= 10 && s[4] == '-' && digits_at(s, 5, 2) && s[7] == '-' &&
         digits_at(s, 8, 2);
}

// "+hh:mm", "+hhmm", "-..." or "Z" -> minutes east of UTC.
bool read_offset(std::string_view s, std::chrono::minutes& out) {
  if (s == "Z") {
    out = std::chrono::minutes{0};
    return true;
  }
  if (s.size() < 5 || (s[0] != '+' && s[0] != '-') || !digits_at(s, 1, 2)) return false;
  std::string_view mm = s.substr(3);
  if (mm.starts_with(':')) mm.remove_prefix(1);
  if (mm.size() != 2 || !digits_at(mm, 0, 2)) return false;
  const int oh = two_digits(s, 1), om = two_digits(mm, 0);
  if (oh > 23 || om > 59) return false;
  out = std::chrono::hours{oh} + std::chrono::minutes{om};
  if (s[0] == '-') out = -out;
  return true;
}

}  // namespace

Result<Date> parse_date(std::string_view text) {
  Date d;
  if (text.size() != 10 || !date_shape(text) || !date_parse(text, "%F", d)) {
    return make_error(Errc::invalid_argument, "'{}' is not a date (YYYY-MM-DD)", text);
  }
  return d;
}

std::string format_date(Date value) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(value.year()),
                     static_cast<unsigned>(value.month()), static_cast<unsigned>(value.day()));
}

Result<Timestamp> parse_timestamp(std::string_view text, const TimestampStyle& style) {
  auto fail = [&] {
    return make_error(Errc::invalid_argument, "'{}' is not an ISO 8601 date-time", text);
  };
  // Fixed part: "YYYY-MM-DD?hh:mm:ss"; date::parse checks the calendar and the clock.
  if (!date_shape(text) || text.size() < 19 || text[10] != style.separator || !digits_at(text, 11, 2) ||
      text[13] != ':' || !digits_at(text, 14, 2) || text[16] != ':' || !digits_at(text, 17, 2)) {
    return fail();
  }
  date::local_time<std::chrono::minutes> minute;
  if (!date_parse(text.substr(0, 16), style.separator == 'T' ? "%FT%H:%M" : "%F %H:%M", minute)) return fail();
  // Seconds by hand: date::parse refuses the leap second 60 that ISO 8601 allows.
  const int seconds = two_digits(text, 17);
  if (seconds > 60) return fail();
  std::string_view rest = text.substr(19);
  std::chrono::milliseconds millis{0};
  if (rest.starts_with('.')) {
    rest.remove_prefix(1);
    std::size_t n = 0;
    int value = 0;
    for (; n < rest.size() && rest[n] >= '0' && rest[n] <= '9'; ++n)
      if (n < 3) value = value * 10 + (rest[n] - '0');
    if (n == 0) return fail();
    for (std::size_t i = n; i < 3; ++i) value *= 10;
    millis = std::chrono::milliseconds{value};
    rest.remove_prefix(n);
  }
  const auto local = minute + std::chrono::seconds{seconds} + millis;
  if (!rest.empty()) {
    if (style.separator == ' ' && rest.size() > 1 && rest.front() == ' ') rest.remove_prefix(1);
    std::chrono::minutes offset;
    if (!read_offset(rest, offset)) return fail();
    return Timestamp{local.time_since_epoch() - offset};
  }
  if (style.zone.empty()) return Timestamp{local.time_since_epoch()};
  try {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        date::locate_zone(style.zone)->to_sys(local, date::choose::earliest));
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_argument, "cannot place '{}' in {}: {}", text, style.zone, e.what());
  }
}

std::string format_timestamp(Timestamp value) {
  return date::format("%FT%TZ", value);
}

Result<Date> date_in_zone(Timestamp now, std::string_view time_zone) {
  try {
    const auto* zone = date::locate_zone(time_zone);
    const auto local = zone->to_local(now);
    return Date{date::floor<date::days>(local)};
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_argument, "unknown time zone '{}': {}", time_zone, e.what());
  }
}

}  // namespace capsync::model
