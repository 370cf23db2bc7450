#pragma once
// FreeAgent's answers shared by the fake's resources: its error shapes, paging (page/per_page,
// Link and X-Total-Count headers) and updated_since.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/json_util.hpp"
#include "test/sandbox/sandbox_clock.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox::freeagent_http {

constexpr std::int64_t kDefaultPerPage = 25, kMaxPerPage = 100;

// {"errors":{"error":{"message":…}}}: FreeAgent's shape for auth, not-found and bad requests.
inline Response error(int status, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("errors");
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return json_response(status, std::string(buffer.GetString(), buffer.GetSize()));
}

// {"errors":[{"message":…},…]}: validation failures (422).
inline Response invalid(const std::vector<std::string>& messages) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("errors");
  w.StartArray();
  for (const auto& m : messages) {
    w.StartObject();
    w.Key("message");
    w.String(m);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json_response(422, std::string(buffer.GetString(), buffer.GetSize()));
}

inline std::int64_t int_param(const Request& request, std::string_view name, std::int64_t fallback) {
  auto text = request.param(name);
  std::int64_t value = 0;
  if (!text || std::from_chars(text->data(), text->data() + text->size(), value).ec != std::errc{}) return fallback;
  return value;
}

// Writes one page of `matches` under `key` with FreeAgent's Link and X-Total-Count headers.
template <typename T, typename WriteFn>
Response paged(const Request& request, const std::string& base_url, const char* key, const std::vector<const T*>& matches,
               WriteFn write) {
  std::int64_t per_page = std::clamp<std::int64_t>(int_param(request, "per_page", kDefaultPerPage), 1, kMaxPerPage);
  std::int64_t page = std::max<std::int64_t>(1, int_param(request, "page", 1));
  auto total = static_cast<std::int64_t>(matches.size());
  std::int64_t last = std::max<std::int64_t>(1, (total + per_page - 1) / per_page);
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key(key);
  w.StartArray();
  for (std::int64_t i = (page - 1) * per_page; i < std::min(total, page * per_page); ++i)
    write(w, *matches[static_cast<std::size_t>(i)]);
  w.EndArray();
  w.EndObject();
  Response response = json_response(200, std::string(buffer.GetString(), buffer.GetSize()));

  auto link = [&](std::int64_t to) {
    std::string query;
    for (const auto& [k, v] : parse_form(request.query)) {
      if (k == "page" || k == "per_page") continue;
      query += url_encode(k) + "=" + url_encode(v) + "&";
    }
    return fmt::format("<{}{}?{}page={}&per_page={}>", base_url, request.path, query, to, per_page);
  };
  std::vector<std::string> links;
  if (page > 1) links.push_back(link(page - 1) + "; rel=\"prev\"");
  if (page < last) links.push_back(link(page + 1) + "; rel=\"next\"");
  links.push_back(link(1) + "; rel=\"first\"");
  links.push_back(link(last) + "; rel=\"last\"");
  response.set_header("Link", fmt::format("{}", fmt::join(links, ", ")));
  response.set_header("X-Total-Count", std::to_string(total));
  return response;
}

inline std::optional<std::optional<TimePoint>> updated_since(const Request& request) {
  auto text = request.param("updated_since");
  if (!text) return std::optional<TimePoint>{};
  auto t = parse_time(*text);
  if (!t) return std::nullopt;
  return std::optional<TimePoint>{*t};
}

}  // namespace capsync::sandbox::freeagent_http
