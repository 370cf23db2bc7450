#pragma once
// Small RapidJSON helpers shared by the fake providers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace capsync::sandbox {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;
using Alloc = rapidjson::Document::AllocatorType;

std::string to_json(const rapidjson::Value& value);
// Parses `text`; nullopt if it is not JSON.
std::optional<rapidjson::Document> parse_json(std::string_view text);

// Member lookups that tolerate absence and wrong types.
const rapidjson::Value* member(const rapidjson::Value& object, std::string_view key);
std::optional<std::string> string_member(const rapidjson::Value& object, std::string_view key);
std::optional<std::int64_t> int_member(const rapidjson::Value& object, std::string_view key);
std::optional<bool> bool_member(const rapidjson::Value& object, std::string_view key);

void set_member(rapidjson::Value& object, std::string_view key, rapidjson::Value value, Alloc& alloc);
void set_string(rapidjson::Value& object, std::string_view key, std::string_view value, Alloc& alloc);
void remove_member(rapidjson::Value& object, std::string_view key);

// Writes a decimal string as a JSON number with exactly its digits (money is never a double).
void write_decimal(JsonWriter& writer, std::string_view decimal_text);

}  // namespace capsync::sandbox
