#include "test/sandbox/json_util.hpp"

namespace capsync::sandbox {

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<rapidjson::Document> parse_json(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) return std::nullopt;
  return doc;
}

const rapidjson::Value* member(const rapidjson::Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(rapidjson::StringRef(key.data(), key.size()));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> string_member(const rapidjson::Value& object, std::string_view key) {
  const auto* v = member(object, key);
  if (v == nullptr || !v->IsString()) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

std::optional<std::int64_t> int_member(const rapidjson::Value& object, std::string_view key) {
  const auto* v = member(object, key);
  if (v == nullptr || !v->IsInt64()) return std::nullopt;
  return v->GetInt64();
}

std::optional<bool> bool_member(const rapidjson::Value& object, std::string_view key) {
  const auto* v = member(object, key);
  if (v == nullptr || !v->IsBool()) return std::nullopt;
  return v->GetBool();
}

void set_member(rapidjson::Value& object, std::string_view key, rapidjson::Value value, Alloc& alloc) {
  auto it = object.FindMember(rapidjson::StringRef(key.data(), key.size()));
  if (it != object.MemberEnd()) {
    it->value = std::move(value);
    return;
  }
  rapidjson::Value name(key.data(), static_cast<rapidjson::SizeType>(key.size()), alloc);
  object.AddMember(name, value, alloc);
}

void set_string(rapidjson::Value& object, std::string_view key, std::string_view value, Alloc& alloc) {
  set_member(object, key, rapidjson::Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), alloc), alloc);
}

void remove_member(rapidjson::Value& object, std::string_view key) {
  if (object.IsObject()) object.RemoveMember(rapidjson::StringRef(key.data(), key.size()));
}

void write_decimal(JsonWriter& writer, std::string_view decimal_text) {
  writer.RawValue(decimal_text.data(), decimal_text.size(), rapidjson::kNumberType);
}

}  // namespace capsync::sandbox
