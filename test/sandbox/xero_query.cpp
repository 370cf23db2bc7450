#include "test/sandbox/xero_query.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "test/sandbox/time_format.hpp"
#include "test/sandbox/xero_books.hpp"

namespace capsync::sandbox {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::optional<XeroCondition> parse_condition(std::string_view text) {
  text = trim(text);
  while (text.size() >= 2 && text.front() == '(' && text.back() == ')') text = trim(text.substr(1, text.size() - 2));
  XeroCondition condition;
  auto op = text.find("==");
  if (op == std::string_view::npos) {
    op = text.find("!=");
    condition.equals = false;
  }
  if (op == std::string_view::npos) return std::nullopt;
  condition.field = std::string(trim(text.substr(0, op)));
  std::string_view value = trim(text.substr(op + 2));
  if (value.starts_with("Guid(") || value.starts_with("guid(")) {
    value.remove_prefix(5);
    if (value.ends_with(")")) value.remove_suffix(1);
  }
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
  condition.value = to_lower_ascii(value);
  return condition;
}

}  // namespace

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto part = trim(text.substr(0, comma));
    if (!part.empty()) out.push_back(to_lower_ascii(part));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

XeroQuery parse_xero_query(const Request& request, const char* ids_param) {
  XeroQuery q;
  if (auto page = request.param("page")) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(page->data(), page->data() + page->size(), value);
    q.page = ec == std::errc{} && value > 0 ? value : 1;
  }
  if (auto size = request.param("pageSize")) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(size->data(), size->data() + size->size(), value);
    if (ec != std::errc{} || value < 1) q.error = "pageSize must be a positive number";
    q.page_size = std::clamp(value, 1, 1000);
  }
  if (const auto* since = request.header("if-modified-since")) {
    auto t = parse_time(*since);
    if (!t) q.error = "If-Modified-Since is not a date";
    else q.modified_since = floor_seconds(*t);
  }
  if (auto where = request.param("where")) {
    std::string_view rest = *where;
    while (!rest.empty()) {
      auto cut = rest.find(" AND ");
      std::size_t skip = 5;
      if (auto amp = rest.find("&&"); amp < cut) {
        cut = amp;
        skip = 2;
      }
      auto condition = parse_condition(rest.substr(0, cut));
      if (!condition) {
        q.error = fmt::format("unsupported where clause: {}", *where);
        break;
      }
      q.where.push_back(std::move(*condition));
      if (cut == std::string_view::npos) break;
      rest.remove_prefix(cut + skip);
    }
  }
  if (auto ids = request.param(ids_param)) q.ids = split_list(*ids);
  if (auto statuses = request.param("Statuses")) q.statuses = split_list(*statuses);
  if (auto contacts = request.param("ContactIDs")) q.contact_ids = split_list(*contacts);
  q.include_archived = to_lower_ascii(request.param("includeArchived").value_or("")) == "true";
  q.summary_only = to_lower_ascii(request.param("summaryOnly").value_or("")) == "true";
  return q;
}

bool matches_where(const std::vector<XeroCondition>& where,
                   const std::function<std::optional<std::string>(std::string_view)>& field) {
  for (const auto& condition : where) {
    auto value = field(condition.field);
    if (!value) return false;
    if ((to_lower_ascii(*value) == condition.value) != condition.equals) return false;
  }
  return true;
}

std::string xero_envelope(TimePoint now, std::mt19937_64& rng, const char* items_key, const XeroQuery& query,
                          std::size_t item_count, const std::function<void(JsonWriter&)>& write_items) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Id");
  writer.String(make_uuid(rng));
  writer.Key("Status");
  writer.String("OK");
  writer.Key("ProviderName");
  writer.String("capsync sandbox");
  writer.Key("DateTimeUTC");
  writer.String(ms_date_no_zone(now));
  if (query.page) {
    writer.Key("pagination");
    writer.StartObject();
    writer.Key("page");
    writer.Int(*query.page);
    writer.Key("pageSize");
    writer.Int(query.page_size);
    writer.Key("pageCount");
    writer.Uint64((item_count + static_cast<std::size_t>(query.page_size) - 1) / static_cast<std::size_t>(query.page_size));
    writer.Key("itemCount");
    writer.Uint64(item_count);
    writer.EndObject();
  }
  writer.Key(items_key);
  writer.StartArray();
  write_items(writer);
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string xero_validation_error(std::string_view elements_json) {
  return fmt::format(
      R"({{"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred","Elements":{}}})",
      elements_json);
}

std::string xero_exception(int error_number, std::string_view type, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("ErrorNumber");
  writer.Int(error_number);
  writer.Key("Type");
  writer.String(type.data(), static_cast<rapidjson::SizeType>(type.size()));
  writer.Key("Message");
  writer.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string xero_problem(int status, std::string_view title, std::string_view detail) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("Type");
  writer.Null();
  writer.Key("Title");
  writer.String(title.data(), static_cast<rapidjson::SizeType>(title.size()));
  writer.Key("Status");
  writer.Int(status);
  writer.Key("Detail");
  writer.String(detail.data(), static_cast<rapidjson::SizeType>(detail.size()));
  writer.Key("Instance");
  writer.String("00000000-0000-0000-0000-000000000000");
  writer.Key("Extensions");
  writer.StartObject();
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace capsync::sandbox
