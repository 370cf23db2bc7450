#include "test/sandbox/sage_query.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

constexpr int kMaxPerPage = 200;

std::optional<int> positive(std::string_view text) {
  int n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || ptr != text.data() + text.size() || n < 1) return std::nullopt;
  return n;
}

// The request's query without page and items_per_page, for $next/$back.
std::string other_params(const Request& request) {
  std::string out;
  for (auto& [key, value] : parse_form(request.query)) {
    if (key == "page" || key == "items_per_page") continue;
    out += "&" + url_encode(key) + "=" + url_encode(value);
  }
  return out;
}

}  // namespace

Response sage_error(int status, std::string_view data_code, std::string_view message, std::string_view source) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  w.StartObject();
  w.Key("$severity");
  w.String("error");
  w.Key("$dataCode");
  w.String(data_code.data(), static_cast<rapidjson::SizeType>(data_code.size()));
  w.Key("$message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.Key("$source");
  w.String(source.data(), static_cast<rapidjson::SizeType>(source.size()));
  w.EndObject();
  w.EndArray();
  return json_response(status, std::string(buffer.GetString(), buffer.GetSize()));
}

std::optional<Response> sage_paging(const Request& request, SagePaging& out) {
  if (auto page = request.param("page")) {
    auto n = positive(*page);
    if (!n) return sage_error(400, "InvalidParameter", "page must be a positive integer", "page");
    out.page = *n;
  }
  if (auto per_page = request.param("items_per_page")) {
    auto n = positive(*per_page);
    if (!n || *n > kMaxPerPage)
      return sage_error(400, "InvalidParameter", "items_per_page must be between 1 and 200", "items_per_page");
    out.per_page = *n;
  }
  return std::nullopt;
}

std::optional<Response> sage_time_param(const Request& request, std::string_view name, std::optional<TimePoint>& out) {
  out.reset();
  auto text = request.param(name);
  if (!text) return std::nullopt;
  out = parse_time(*text);
  if (!out) return sage_error(400, "InvalidParameter", fmt::format("{} is not a valid date-time", name), name);
  return std::nullopt;
}

Response sage_list(const Request& request, std::string_view resource, std::size_t total, SagePaging paging,
                   const std::function<void(JsonWriter&, std::size_t)>& write_item) {
  std::size_t per_page = static_cast<std::size_t>(paging.per_page);
  std::size_t pages = std::max<std::size_t>(1, (total + per_page - 1) / per_page);
  std::size_t page = std::min<std::size_t>(static_cast<std::size_t>(paging.page), pages);  // past the end: the last
  std::string rest = other_params(request);
  auto link = [&](std::size_t n) {
    return fmt::format("/{}?page={}&items_per_page={}{}", resource, n, per_page, rest);
  };
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("$total");
  w.Uint64(total);
  w.Key("$page");
  w.Uint64(page);
  w.Key("$next");
  if (page < pages) w.String(link(page + 1));
  else w.Null();
  w.Key("$back");
  if (page > 1) w.String(link(page - 1));
  else w.Null();
  w.Key("$itemsPerPage");
  w.Uint64(per_page);
  w.Key("$items");
  w.StartArray();
  for (std::size_t i = (page - 1) * per_page; i < std::min(total, page * per_page); ++i) write_item(w, i);
  w.EndArray();
  w.EndObject();
  return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
}

}  // namespace capsync::sandbox
