#include "test/sandbox/http_message.hpp"

#include <algorithm>
#include <cctype>

#include <boost/url/encode.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace capsync::sandbox {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const std::string* Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return &value;
  return nullptr;
}

std::optional<std::string> Request::param(std::string_view name) const {
  for (auto& [key, value] : parse_form(query))
    if (key == name) return value;
  return std::nullopt;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [key, old] : headers) {
    if (iequals(key, name)) {
      old = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

const std::string* Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return &value;
  return nullptr;
}

Response json_response(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.set_header("Content-Type", "application/json; charset=utf-8");
  return response;
}

namespace {

// A form body or query: '+' is a space (application/x-www-form-urlencoded).
boost::urls::encoding_opts form_decoding() {
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  return opts;
}

}  // namespace

std::string url_decode(std::string_view text) {
  auto escaped = boost::urls::make_pct_string_view(text);
  if (!escaped) return std::string(text);  // a stray '%' stays as sent
  return escaped->decode(form_decoding());
}

std::string url_encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  auto params = boost::urls::parse_query(text);
  if (!params) return out;  // a malformed escape: no parameters at all, as a strict server reads it
  for (auto param : *params) {
    if (param.key.empty() && !param.has_value) continue;  // "a=1&&b=2"
    out.emplace_back(param.key.decode(form_decoding()), param.has_value ? param.value.decode(form_decoding()) : "");
  }
  return out;
}

}  // namespace capsync::sandbox
