#pragma once
// Request bodies for providers whose contact is one flat JSON object of strings (FreeAgent's
// "contact", FreshBooks' "client"): the connector maps ContactDetails to values by key, then
// writes the keys it selects in its own order.

#include <map>
#include <span>
#include <string>
#include <string_view>

#include "core/connector/json.hpp"

namespace capsync::connector {

// {"<object>":{"key":"value",…}} for each of `keys`, in that order, that keep(key, value)
// selects; `fields` holds a value for every key.
template <typename Keep>
std::string fields_body(std::string_view object, std::span<const char* const> keys,
                        const std::map<std::string, std::string>& fields, Keep keep) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::write_key(w, object);
  w.StartObject();
  for (const char* key : keys) {
    const std::string& value = fields.at(key);
    if (!keep(key, value)) continue;
    json::write_key(w, key);
    json::write_string(w, value);
  }
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// `keep` for a create: the fields that have a value.
inline bool has_value(const char*, const std::string& value) { return !value.empty(); }
// `keep` for a write over a contact not read first: every field, an empty one clears it.
inline bool every_field(const char*, const std::string&) { return true; }

}  // namespace capsync::connector
