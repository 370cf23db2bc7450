#include "core/connector/json.hpp"

#include <charconv>

#include <fmt/format.h>

#include <rapidjson/error/en.h>

#include "core/connector/text.hpp"
#include "core/model/utf8.hpp"

namespace capsync::connector::json {

namespace {

// Whether arrays and objects in `body` nest deeper than kMaxDepth. Brackets inside strings do
// not count; a body that is not JSON at all is left to the parser to name.
bool too_deep(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

Result<rapidjson::Document> parse(std::string_view body, Numbers numbers) {
  if (too_deep(body)) return make_error(Errc::protocol, "JSON nested deeper than {} levels", kMaxDepth);
  // Iterative as well, so the parser's own stack never depends on the input.
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag;
  rapidjson::Document doc;
  if (numbers == Numbers::as_text)
    doc.Parse<kFlags | rapidjson::kParseNumbersAsStringsFlag>(body.data(), body.size());
  else
    doc.Parse<kFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    return make_error(Errc::protocol, "malformed JSON at offset {}: {}", doc.GetErrorOffset(),
                      rapidjson::GetParseError_En(doc.GetParseError()));
  }
  return doc;
}

bool well_formed(std::string_view body) {
  // Too deep is no transient fault: asking again would bring the same body, so let parse() name it.
  if (body.empty() || too_deep(body)) return true;
  return parse(body).ok();
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

std::string lines(const Value& object, std::initializer_list<std::string_view> keys) {
  std::string out;
  for (auto key : keys) {
    std::string line = trim(text_or_empty(object, key));
    if (line.empty()) continue;
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
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

Result<std::optional<model::Date>> date(const Value& object, std::string_view key, std::string_view record) {
  auto t = text(object, key);
  if (!t || t->empty()) return std::optional<model::Date>{};
  auto parsed = model::parse_date(*t);
  if (!parsed) return make_error(Errc::protocol, "{}: bad {} '{}'", record, key, *t);
  return std::optional<model::Date>{*parsed};
}

bool boolean(const Value& object, std::string_view key, bool fallback) {
  const Value* v = member(object, key);
  return v && v->IsBool() ? v->GetBool() : fallback;
}

Result<std::string_view> required_text(const Value& object, std::string_view key) {
  const Value* v = member(object, key);
  if (!v || v->IsNull() || (v->IsString() && v->GetStringLength() == 0))
    return make_error(Errc::protocol, "no '{}'", key);
  if (!v->IsString()) return make_error(Errc::protocol, "'{}' is not text", key);
  return std::string_view(v->GetString(), v->GetStringLength());
}

namespace {
bool valid(const Value& s) { return model::valid_utf8(std::string_view(s.GetString(), s.GetStringLength())); }

// `path` names where `v` sits; recursion is bounded by parse()'s depth limit.
std::optional<std::string> first_invalid(const Value& v, const std::string& path) {
  if (v.IsString()) {
    if (valid(v)) return std::nullopt;
    return fmt::format("'{}' is not valid UTF-8", path);
  }
  if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
      if (auto bad = first_invalid(v[i], fmt::format("{}[{}]", path, i))) return bad;
  }
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      if (!valid(m.name)) return fmt::format("a member name in '{}' is not valid UTF-8", path.empty() ? "the record" : path);
      const std::string name(m.name.GetString(), m.name.GetStringLength());
      if (auto bad = first_invalid(m.value, path.empty() ? name : path + "." + name)) return bad;
    }
  }
  return std::nullopt;
}
}  // namespace

std::optional<std::string> invalid_utf8(const Value& value) { return first_invalid(value, ""); }

model::UnreadableRecord unreadable(const Value& element, int position, const RecordKeys& keys, std::string reason) {
  model::UnreadableRecord out;
  out.position = position;
  out.reason = std::move(reason);
  if (!keys.id.empty()) out.id = model::repaired_utf8(text_or_empty(element, keys.id));
  for (auto key : keys.name) {
    if (key.empty()) continue;
    std::string part = model::repaired_utf8(text_or_empty(element, key));
    if (part.empty()) continue;
    if (!out.name.empty()) out.name += ' ';
    out.name += part;
  }
  return out;
}

void write_string(Writer& writer, std::string_view s) {
  if (model::valid_utf8(s)) {
    writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return;
  }
  const std::string repaired = model::repaired_utf8(s);
  writer.String(repaired.data(), static_cast<rapidjson::SizeType>(repaired.size()));
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
