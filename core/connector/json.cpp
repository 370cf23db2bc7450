#include "core/connector/json.hpp"

#include <charconv>

#include <rapidjson/error/en.h>

namespace capsync::connector::json {

Result<rapidjson::Document> parse(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(body.data(), body.size());
  if (doc.HasParseError()) {
    return make_error(Errc::protocol, "malformed JSON at offset {}: {}", doc.GetErrorOffset(),
                      rapidjson::GetParseError_En(doc.GetParseError()));
  }
  return doc;
}

bool well_formed(std::string_view body) {
  if (body.empty()) return true;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(body.data(), body.size());
  return !doc.HasParseError();
}

namespace {
const Value* member(const Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
  return it == object.MemberEnd() ? nullptr : &it->value;
}
}  // namespace

const Value* object(const Value& object, std::string_view key) {
  const Value* v = member(object, key);
  return v && v->IsObject() ? v : nullptr;
}

const Value* array(const Value& object, std::string_view key) {
  const Value* v = member(object, key);
  return v && v->IsArray() ? v : nullptr;
}

std::optional<std::string_view> text(const Value& object, std::string_view key) {
  const Value* v = member(object, key);
  if (!v || !v->IsString()) return std::nullopt;  // numbers are strings under our parse flag
  return std::string_view(v->GetString(), v->GetStringLength());
}

std::string_view text_or_empty(const Value& object, std::string_view key) {
  return text(object, key).value_or(std::string_view{});
}

std::optional<std::int64_t> to_int64(std::string_view s) {
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return out;
}

Result<std::optional<std::int64_t>> integer(const Value& object, std::string_view key) {
  const Value* v = member(object, key);
  if (!v || v->IsNull()) return std::optional<std::int64_t>{};
  if (v->IsString()) {
    if (auto n = to_int64(std::string_view(v->GetString(), v->GetStringLength())))
      return std::optional<std::int64_t>{*n};
  }
  return make_error(Errc::protocol, "'{}' is not a whole number", key);
}

bool boolean(const Value& object, std::string_view key, bool fallback) {
  const Value* v = member(object, key);
  return v && v->IsBool() ? v->GetBool() : fallback;
}

void write_raw_number(Writer& writer, std::string_view decimal) {
  writer.RawValue(decimal.data(), decimal.size(), rapidjson::kNumberType);
}

std::string excerpt(std::string_view body, std::size_t max) {
  std::string out;
  for (char c : body.substr(0, max)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  if (body.size() > max) out += "…";
  return out;
}

}  // namespace capsync::connector::json
