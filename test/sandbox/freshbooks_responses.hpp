#pragma once
// What every fake FreshBooks accounting resource answers with: the {"response":{"result":…}}
// envelope, the {"response":{"errors":[…]}} error shape, page/per_page paging and the shared
// search[updated_min|updated_max|vis_state] filters. Used by freshbooks_api.cpp and
// freshbooks_estimates.cpp.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "test/sandbox/freshbooks_books.hpp"
#include "test/sandbox/http_message.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {

inline constexpr std::int64_t kDefaultPerPage = 15, kMaxPerPage = 100;

struct FieldError {
  int number = 0;
  std::string field, message, object, value;
};

// {"response":{"errors":[{"errno","field","message","object","value"}]}}: the accounting
// endpoints' error shape.
inline Response errors(int status, const std::vector<FieldError>& list) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("response");
  w.StartObject();
  w.Key("errors");
  w.StartArray();
  for (const auto& e : list) {
    w.StartObject();
    w.Key("errno");
    w.Int(e.number);
    if (!e.field.empty()) {
      w.Key("field");
      w.String(e.field);
    }
    w.Key("message");
    w.String(e.message);
    if (!e.object.empty()) {
      w.Key("object");
      w.String(e.object);
    }
    if (!e.value.empty()) {
      w.Key("value");
      w.String(e.value);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return json_response(status, std::string(buffer.GetString(), buffer.GetSize()));
}

inline Response error(int status, int number, std::string message, std::string field = {}, std::string object = {},
               std::string value = {}) {
  return errors(status, {FieldError{number, std::move(field), std::move(message), std::move(object), std::move(value)}});
}

// {"response":{"result":{…}}} with `body` writing the result's members.
template <typename Fn>
Response result(int status, Fn body) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("response");
  w.StartObject();
  w.Key("result");
  w.StartObject();
  body(w);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return json_response(status, std::string(buffer.GetString(), buffer.GetSize()));
}

inline std::optional<std::int64_t> to_int(std::string_view text) {
  std::int64_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline bool is_date(std::string_view text) {
  return text.size() == 10 && text[4] == '-' && text[7] == '-' && parse_eastern(text).has_value();
}

// Shared list filters: search[updated_min|updated_max] (US/Eastern days) and search[vis_state]
// (absent: active and archived, never deleted).
struct ListFilter {
  std::string updated_min, updated_max;
  std::optional<std::int64_t> vis_state;

  bool matches(VisState state, TimePoint updated) const {
    if (vis_state ? static_cast<std::int64_t>(state) != *vis_state : state == VisState::deleted) return false;
    std::string day = eastern_date(updated);
    if (!updated_min.empty() && day < updated_min) return false;
    if (!updated_max.empty() && day > updated_max) return false;
    return true;
  }
};

inline std::optional<Response> read_filter(const Request& request, ListFilter& out) {
  for (auto [key, target] : {std::pair{"search[updated_min]", &out.updated_min}, std::pair{"search[updated_max]", &out.updated_max}}) {
    auto text = request.param(key);
    if (!text) continue;
    if (!is_date(*text)) return error(400, 2, fmt::format("{} must be a date in the form YYYY-MM-DD", key), "updated");
    *target = *text;
  }
  if (auto text = request.param("search[vis_state]")) {
    out.vis_state = to_int(*text);
    if (!out.vis_state) return error(400, 2, "vis_state must be a number", "vis_state");
  }
  return std::nullopt;
}

// One page of `matches` under `key` plus page, pages, per_page, total.
template <typename T, typename WriteFn>
Response paged(const Request& request, const char* key, const std::vector<const T*>& matches, WriteFn write) {
  std::int64_t page = 1, per_page = kDefaultPerPage;
  if (auto text = request.param("page")) {
    auto value = to_int(*text);
    if (!value || *value < 0) return error(400, 2, "page must be a number", "page");
    page = std::max<std::int64_t>(1, *value);  // page 0 is page 1
  }
  if (auto text = request.param("per_page")) {
    auto value = to_int(*text);
    if (!value || *value < 1) return error(400, 2, "per_page must be a positive number", "per_page");
    per_page = std::min(*value, kMaxPerPage);  // silently capped
  }
  auto total = static_cast<std::int64_t>(matches.size());
  std::int64_t pages = std::max<std::int64_t>(1, (total + per_page - 1) / per_page);
  return result(200, [&](JsonWriter& w) {
    w.Key(key);
    w.StartArray();
    for (std::int64_t i = (page - 1) * per_page; i < std::min(total, page * per_page); ++i)
      write(w, *matches[static_cast<std::size_t>(i)]);
    w.EndArray();
    w.Key("page");
    w.Int64(page);
    w.Key("pages");
    w.Int64(pages);
    w.Key("per_page");
    w.Int64(per_page);
    w.Key("total");
    w.Int64(total);
  });
}

// A decimal given as a string ("2.5") or a whole JSON number (request bodies are parsed
// with doubles, so fractional numbers must come as strings).
inline std::optional<Money> decimal_member(const rapidjson::Value& object, const char* key) {
  const auto* v = member(object, key);
  if (v == nullptr) return std::nullopt;
  if (v->IsString()) return parse_money(std::string_view(v->GetString(), v->GetStringLength()));
  if (v->IsInt64()) return v->GetInt64() * kMoneyScale;
  return std::nullopt;
}

inline TimePoint touched(TimePoint now, TimePoint before) {
  return std::max(floor_seconds(now), before + std::chrono::seconds(1));
}


}  // namespace capsync::sandbox
