#include "connectors/kashflow/dates.hpp"

namespace capsync::kashflow {

Result<model::Date> parse_day(std::string_view text) {
  auto d = model::parse_date(text.substr(0, 10));
  if (!d) return make_error(Errc::protocol, "'{}' is not a KashFlow date", text);
  return *d;
}

Result<model::Timestamp> parse_time(std::string_view text) {
  // KashFlow's own form has a space after the date; anything else is read as ISO 8601.
  const bool kashflow_form = text.size() > 10 && text[10] == ' ';
  auto t = kashflow_form ? model::parse_timestamp(text, {.separator = ' ', .zone = "Europe/London"})
                         : model::parse_timestamp(text);
  if (!t) return make_error(Errc::protocol, "'{}' is not a KashFlow date-time", text);
  return *t;
}

}  // namespace capsync::kashflow
