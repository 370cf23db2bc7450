#include "core/model/date_time.hpp"

#include <date/tz.h>

#include <exception>

namespace capsync::model {
namespace {

// Reads exactly `width` digits at `pos`, advancing it.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += width;
  out = v;
  return true;
}

bool read_char(std::string_view s, std::size_t& pos, char expected) {
  if (pos >= s.size() || s[pos] != expected) return false;
  ++pos;
  return true;
}

bool read_date(std::string_view s, std::size_t& pos, Date& out) {
  int y = 0, m = 0, d = 0;
  if (!read_digits(s, pos, 4, y) || !read_char(s, pos, '-') || !read_digits(s, pos, 2, m) ||
      !read_char(s, pos, '-') || !read_digits(s, pos, 2, d)) {
    return false;
  }
  out = date::year{y} / date::month{static_cast<unsigned>(m)} / date::day{static_cast<unsigned>(d)};
  return out.ok();
}

}  // namespace

Result<Date> parse_date(std::string_view text) {
  std::size_t pos = 0;
  Date d;
  if (!read_date(text, pos, d) || pos != text.size()) {
    return make_error(Errc::invalid_argument, "'{}' is not a date (YYYY-MM-DD)", text);
  }
  return d;
}

std::string format_date(Date value) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(value.year()),
                     static_cast<unsigned>(value.month()), static_cast<unsigned>(value.day()));
}

Result<Timestamp> parse_timestamp(std::string_view text) {
  auto fail = [&] {
    return make_error(Errc::invalid_argument, "'{}' is not an ISO 8601 date-time", text);
  };
  std::size_t pos = 0;
  Date d;
  int hh = 0, mm = 0, ss = 0;
  if (!read_date(text, pos, d) || !read_char(text, pos, 'T') || !read_digits(text, pos, 2, hh) ||
      !read_char(text, pos, ':') || !read_digits(text, pos, 2, mm) || !read_char(text, pos, ':') ||
      !read_digits(text, pos, 2, ss) || hh > 23 || mm > 59 || ss > 60) {
    return fail();
  }
  int millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return fail();
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  std::chrono::minutes offset{0};
  if (pos < text.size()) {
    const char sign = text[pos];
    if (sign == 'Z') {
      ++pos;
    } else if (sign == '+' || sign == '-') {
      ++pos;
      int oh = 0, om = 0;
      if (!read_digits(text, pos, 2, oh)) return fail();
      read_char(text, pos, ':');
      if (!read_digits(text, pos, 2, om) || oh > 23 || om > 59) return fail();
      offset = std::chrono::hours{oh} + std::chrono::minutes{om};
      if (sign == '-') offset = -offset;
    } else {
      return fail();
    }
  }
  if (pos != text.size()) return fail();
  const auto local = date::sys_days{d} + std::chrono::hours{hh} + std::chrono::minutes{mm} +
                     std::chrono::seconds{ss} + std::chrono::milliseconds{millis};
  return Timestamp{local - offset};
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
