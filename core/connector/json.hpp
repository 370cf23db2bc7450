#pragma once
// Small helpers every connector uses to read and write provider JSON with RapidJSON.
// Bodies are parsed with kParseNumbersAsStringsFlag: a JSON number stays its exact source
// text ("46.00"), so money never passes through a double (R8). Connector-private: the model
// and the reconciler never include this header.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/error/result.hpp"

namespace capsync::connector::json {

using Value = rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Parses a response body. A syntax error is Errc::protocol "malformed JSON at offset N: why".
Result<rapidjson::Document> parse(std::string_view body);
// Whether a response body is empty or whole JSON: a cut or garbled one is worth asking again.
bool well_formed(std::string_view body);

// Member `key` of `object` when it is an object (or array), else nullptr. Tolerates a
// non-object `object` so callers can chain without checks.
const Value* object(const Value& object, std::string_view key);
const Value* array(const Value& object, std::string_view key);

// Member `key` as text: a string, or the raw text of a number. Absent or null -> nullopt.
std::optional<std::string_view> text(const Value& object, std::string_view key);
// text(), or "" when absent.
std::string_view text_or_empty(const Value& object, std::string_view key);
// Member `key` as a whole number (JSON number or numeric string). Absent/null -> nullopt;
// present but not an integer -> Errc::protocol naming the key.
Result<std::optional<std::int64_t>> integer(const Value& object, std::string_view key);
// Member `key` as a boolean; absent, null or not a boolean -> `fallback`.
bool boolean(const Value& object, std::string_view key, bool fallback = false);

// Parses whole-number text ("11587"); anything else is nullopt.
std::optional<std::int64_t> to_int64(std::string_view text);

// Writes a decimal number from its exact text (e.g. a Money::to_string()) without a double.
void write_raw_number(Writer& writer, std::string_view decimal);
inline void write_string(Writer& writer, std::string_view s) {
  writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
inline void write_key(Writer& writer, std::string_view s) {
  writer.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Up to `max` characters of a body for an error message, with control characters flattened.
std::string excerpt(std::string_view body, std::size_t max = 200);

}  // namespace capsync::connector::json
