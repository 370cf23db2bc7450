#include "test/sandbox/time_format.hpp"

#include <charconv>

#include <date/date.h>
#include <fmt/format.h>

namespace capsync::sandbox {
namespace {

// Reads exactly `width` digits at `pos`.
bool digits(std::string_view text, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < width; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += width;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

std::optional<TimePoint> make_time(int y, int mo, int d, int h, int mi, int s, int ms, int offset_minutes) {
  date::year_month_day ymd{date::year(y), date::month(static_cast<unsigned>(mo)), date::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  auto t = date::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s) +
           std::chrono::milliseconds(ms) - std::chrono::minutes(offset_minutes);
  return TimePoint(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()));
}

std::optional<TimePoint> parse_iso(std::string_view text) {
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0, offset = 0;
  if (!digits(text, pos, 4, y) || !expect(text, pos, '-') || !digits(text, pos, 2, mo) || !expect(text, pos, '-') ||
      !digits(text, pos, 2, d))
    return std::nullopt;
  if (pos == text.size()) return make_time(y, mo, d, 0, 0, 0, 0, 0);
  if (text[pos] != 'T' && text[pos] != ' ') return std::nullopt;
  ++pos;
  if (!digits(text, pos, 2, h) || !expect(text, pos, ':') || !digits(text, pos, 2, mi) || !expect(text, pos, ':') ||
      !digits(text, pos, 2, s))
    return std::nullopt;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ms += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  if (pos == text.size()) return make_time(y, mo, d, h, mi, s, ms, 0);
  if (text[pos] == 'Z' && pos + 1 == text.size()) return make_time(y, mo, d, h, mi, s, ms, 0);
  if (text[pos] == '+' || text[pos] == '-') {
    int sign = text[pos] == '-' ? -1 : 1, oh = 0, om = 0;
    ++pos;
    if (!digits(text, pos, 2, oh)) return std::nullopt;
    if (pos < text.size() && text[pos] == ':') ++pos;
    if (pos < text.size() && !digits(text, pos, 2, om)) return std::nullopt;
    if (pos != text.size()) return std::nullopt;
    offset = sign * (oh * 60 + om);
    return make_time(y, mo, d, h, mi, s, ms, offset);
  }
  return std::nullopt;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<TimePoint> parse_http_date(std::string_view text) {
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto comma = text.find(", ");
  if (comma == std::string_view::npos || !text.ends_with(" GMT")) return std::nullopt;
  std::size_t pos = comma + 2;
  int d = 0, y = 0, h = 0, mi = 0, s = 0;
  if (!digits(text, pos, 2, d) || !expect(text, pos, ' ') || pos + 4 > text.size()) return std::nullopt;
  int mo = 0;
  for (int i = 0; i < 12; ++i)
    if (text.substr(pos, 3) == months[i]) mo = i + 1;
  pos += 3;
  if (mo == 0 || !expect(text, pos, ' ') || !digits(text, pos, 4, y) || !expect(text, pos, ' ') ||
      !digits(text, pos, 2, h) || !expect(text, pos, ':') || !digits(text, pos, 2, mi) || !expect(text, pos, ':') ||
      !digits(text, pos, 2, s))
    return std::nullopt;
  return make_time(y, mo, d, h, mi, s, 0, 0);
}

}  // namespace

TimePoint floor_seconds(TimePoint t) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::floor<std::chrono::seconds>(t));
}

TimePoint floor_day(TimePoint t) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::floor<date::days>(t));
}

std::string iso_seconds(TimePoint t) { return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(t)); }

std::string http_date(TimePoint t) {
  return date::format("%a, %d %b %Y %H:%M:%S GMT", std::chrono::floor<std::chrono::seconds>(t));
}

std::string ms_date(TimePoint t) { return fmt::format("/Date({}+0000)/", t.time_since_epoch().count()); }

std::string ms_date_no_zone(TimePoint t) { return fmt::format("/Date({})/", t.time_since_epoch().count()); }

std::string xero_date_string(TimePoint t) { return date::format("%FT%T", std::chrono::floor<std::chrono::seconds>(t)); }

std::string xero_us_datetime(TimePoint t) {
  return date::format("%m/%d/%Y %T", std::chrono::floor<std::chrono::seconds>(t));
}

std::string xero_connection_time(TimePoint t) {
  auto s = std::chrono::floor<std::chrono::seconds>(t);
  auto ms = (t - s).count();
  return fmt::format("{}.{:03d}0000", date::format("%FT%T", s), ms);
}

std::optional<TimePoint> parse_time(std::string_view text) {
  if (text.starts_with("/Date(")) {
    std::int64_t ms = 0;
    const char* begin = text.data() + 6;
    auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), ms);
    if (ec != std::errc{}) return std::nullopt;
    return TimePoint(std::chrono::milliseconds(ms));
  }
  if (auto t = parse_iso(text)) return t;
  return parse_http_date(text);
}

}  // namespace capsync::sandbox
