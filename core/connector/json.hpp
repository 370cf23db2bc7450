#pragma once
// Small helpers every connector uses to read and write provider JSON with RapidJSON.
// Bodies are parsed (by default) with kParseNumbersAsStringsFlag: a JSON number stays its exact source
// text ("46.00"), so money never passes through a double (R8). Connector-private: the model
// and the reconciler never include this header.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/error/result.hpp"
#include "core/model/date_time.hpp"
#include "core/model/unreadable_record.hpp"

namespace capsync::connector::json {

using Value = rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// How parse() reads JSON numbers: as their exact source text (money, R8), or as numbers.
enum class Numbers { as_text, as_numbers };
// Deepest nesting of arrays and objects parse() accepts. Deeper input is refused before it
// is parsed: RapidJSON's parser, copies and destructor recurse once per level.
inline constexpr int kMaxDepth = 64;

// The one way capsync parses JSON it did not write itself (provider and Capsule bodies, token
// answers, admin requests). A syntax error is Errc::protocol "malformed JSON at offset N: why";
// nesting beyond kMaxDepth is Errc::protocol "JSON nested deeper than 64 levels".
Result<rapidjson::Document> parse(std::string_view body, Numbers numbers = Numbers::as_text);
// Whether a response body is empty or whole JSON: a cut or garbled one is worth asking again
// (one nested too deep is not: it is whole, and parse() refuses it).
bool well_formed(std::string_view body);

// Member `key` of `object` when it is an object (or array), else nullptr. Tolerates a
// non-object `object` so callers can chain without checks.
const Value* object(const Value& object, std::string_view key);
const Value* array(const Value& object, std::string_view key);

// Member `key` as text: a string, or the raw text of a number. Absent or null -> nullopt.
std::optional<std::string_view> text(const Value& object, std::string_view key);
// text(), or "" when absent.
std::string_view text_or_empty(const Value& object, std::string_view key);
// The members `keys` of `object` that hold text, trimmed, one a line ("\n"), empty ones
// skipped: an address's street from its numbered lines.
std::string lines(const Value& object, std::initializer_list<std::string_view> keys);
// Member `key` as a whole number (JSON number or numeric string). Absent/null -> nullopt;
// present but not an integer -> Errc::protocol naming the key.
Result<std::optional<std::int64_t>> integer(const Value& object, std::string_view key);
// Member `key` as a date "YYYY-MM-DD": absent, null or empty -> nullopt; anything else ->
// Errc::protocol "<record>: bad <key> '<text>'".
Result<std::optional<model::Date>> date(const Value& object, std::string_view key, std::string_view record);
// Member `key` as a boolean; absent, null or not a boolean -> `fallback`.
bool boolean(const Value& object, std::string_view key, bool fallback = false);

// Member `key` as the text a record needs (an id): absent, null or empty -> Errc::protocol
// "no 'key'"; any other type -> "'key' is not text".
Result<std::string_view> required_text(const Value& object, std::string_view key);

// The first string (member name or value) in `value` that is not valid UTF-8, as
// "'Name' is not valid UTF-8"; nullopt when all of its text is valid.
std::optional<std::string> invalid_utf8(const Value& value);

// Which members name a record of a listed page, to describe it when it cannot be read.
struct RecordKeys {
  std::string_view id;                     // e.g. "ContactID"
  std::array<std::string_view, 3> name{};  // joined with spaces, e.g. {"first_name", "last_name"}
};
// Element `position` (1-based) of a page, refused for `reason`: its id and name as far as they
// read as text, the name made showable.
model::UnreadableRecord unreadable(const Value& element, int position, const RecordKeys& keys, std::string reason);

// Decodes each element of a listed page with `decode` (returning Result<X>) and hands each
// result to `keep`. An element whose text is not valid UTF-8, or that `decode` refuses, is
// skipped and described in `skipped`: one bad record never costs the rest of the page.
template <typename Decode, typename Keep>
void decode_each(const Value& list, const RecordKeys& keys, std::vector<model::UnreadableRecord>& skipped,
                 Decode&& decode, Keep&& keep) {
  int position = 0;
  for (const auto& element : list.GetArray()) {
    ++position;
    if (auto bad = invalid_utf8(element)) {
      skipped.push_back(unreadable(element, position, keys, std::move(*bad)));
      continue;
    }
    auto decoded = decode(element);
    if (!decoded) {
      skipped.push_back(unreadable(element, position, keys, decoded.error().message()));
      continue;
    }
    keep(std::move(*decoded));
  }
}

// Parses whole-number text ("11587"); anything else is nullopt.
std::optional<std::int64_t> to_int64(std::string_view text);

// Writes a decimal number from its exact text (e.g. a Money::to_string()) without a double.
void write_raw_number(Writer& writer, std::string_view decimal);
// Writes text as a JSON string. Text that is not valid UTF-8 (records carrying it are refused
// on reading, R17) goes out with U+FFFD in place of the broken bytes, never as it is.
void write_string(Writer& writer, std::string_view s);
inline void write_key(Writer& writer, std::string_view s) {
  writer.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Up to `max` characters of a body for an error message, with control characters flattened.
std::string excerpt(std::string_view body, std::size_t max = 200);

}  // namespace capsync::connector::json
