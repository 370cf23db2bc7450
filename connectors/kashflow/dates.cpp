#include "connectors/kashflow/dates.hpp"

#include <cctype>

#include <date/tz.h>

namespace capsync::kashflow {
namespace {

// Digits at [at, at+n) as a number, or -1.
int number(std::string_view text, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

}  // namespace

Result<model::Date> parse_day(std::string_view text) {
  auto d = model::parse_date(text.substr(0, 10));
  if (!d) return make_error(Errc::protocol, "'{}' is not a KashFlow date", text);
  return *d;
}

Result<model::Timestamp> parse_time(std::string_view text) {
  if (text.size() < 19 || text[10] != ' ') {
    auto iso = model::parse_timestamp(text);
    if (!iso) return make_error(Errc::protocol, "'{}' is not a KashFlow date-time", text);
    return *iso;
  }
  auto day = parse_day(text);
  int h = number(text, 11, 2), mi = number(text, 14, 2), s = number(text, 17, 2);
  if (!day || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60 || text[13] != ':' || text[16] != ':')
    return make_error(Errc::protocol, "'{}' is not a KashFlow date-time", text);
  const date::local_seconds local =
      date::local_days(*day) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s);
  std::string_view rest = text.substr(19);
  if (rest.empty()) {
    try {
      static const date::time_zone* london = date::locate_zone("Europe/London");
      return std::chrono::time_point_cast<std::chrono::milliseconds>(london->to_sys(local, date::choose::earliest));
    } catch (const std::exception& e) {
      return make_error(Errc::protocol, "cannot place '{}' in Europe/London: {}", text, e.what());
    }
  }
  int oh = number(rest, 2, 2), om = number(rest, 5, 2);
  if (rest.size() != 7 || rest[0] != ' ' || (rest[1] != '+' && rest[1] != '-') || rest[4] != ':' || oh < 0 || om < 0)
    return make_error(Errc::protocol, "'{}' is not a KashFlow date-time", text);
  const auto offset = std::chrono::minutes(oh * 60 + om) * (rest[1] == '-' ? -1 : 1);
  return model::Timestamp(std::chrono::duration_cast<std::chrono::milliseconds>(local.time_since_epoch() - offset));
}

}  // namespace capsync::kashflow
