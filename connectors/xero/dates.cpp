#include "connectors/xero/dates.hpp"

#include <charconv>
#include <cstdint>

#include <date/date.h>

#include "core/connector/json.hpp"

namespace capsync::xero {

namespace {
constexpr std::string_view kPrefix = "/Date(";
constexpr std::string_view kSuffix = ")/";

bool ms_json(std::string_view text) {
  return text.size() > kPrefix.size() + kSuffix.size() && text.starts_with(kPrefix) &&
         text.ends_with(kSuffix);
}

Result<model::Timestamp> parse_ms_json(std::string_view text) {
  std::string_view inner = text.substr(kPrefix.size(), text.size() - kPrefix.size() - kSuffix.size());
  std::int64_t ms = 0;
  const char* end = inner.data() + inner.size();
  auto [ptr, ec] = std::from_chars(inner.data(), end, ms);
  if (ec != std::errc{} || ptr == inner.data())
    return make_error(Errc::protocol, "'{}' is not a Xero date", text);
  std::string_view offset(ptr, static_cast<std::size_t>(end - ptr));
  // The offset is the writer's zone for display; the milliseconds are UTC already.
  if (!offset.empty()) {
    bool digits = offset.size() == 5 && (offset[0] == '+' || offset[0] == '-');
    for (std::size_t i = 1; digits && i < offset.size(); ++i)
      digits = offset[i] >= '0' && offset[i] <= '9';
    if (!digits) return make_error(Errc::protocol, "'{}' is not a Xero date", text);
  }
  return model::Timestamp(std::chrono::milliseconds(ms));
}
}  // namespace

Result<model::Timestamp> parse_timestamp(std::string_view text) {
  if (ms_json(text)) return parse_ms_json(text);
  auto iso = model::parse_timestamp(text);
  if (!iso) return make_error(Errc::protocol, "'{}' is not a Xero date", text);
  return *iso;
}

Result<model::Date> parse_date(std::string_view text) {
  if (ms_json(text)) {
    auto instant = parse_ms_json(text);
    if (!instant) return instant.error();
    return model::Date(std::chrono::floor<date::days>(*instant));
  }
  if (text.size() >= 10) {
    std::string_view day = text.substr(0, 10);
    std::string_view rest = text.substr(10);
    if (rest.empty() || rest.starts_with('T')) {
      if (auto parsed = model::parse_date(day)) return *parsed;
    }
  }
  return make_error(Errc::protocol, "'{}' is not a Xero date", text);
}

std::string if_modified_since(model::Timestamp cursor) {
  auto seconds = std::chrono::floor<std::chrono::seconds>(cursor);
  return date::format("%Y-%m-%dT%H:%M:%S", seconds);
}

Result<std::optional<model::Date>> date_field(const rapidjson::Value& e, std::string_view string_key,
                                              std::string_view key) {
  auto text = connector::json::text(e, string_key);
  if (!text || text->empty()) text = connector::json::text(e, key);
  if (!text || text->empty()) return std::optional<model::Date>{};
  auto d = parse_date(*text);
  if (!d) return d.error();
  return std::optional<model::Date>{*d};
}

}  // namespace capsync::xero
