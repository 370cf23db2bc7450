#pragma once
// Incremental reads: a connector's cursor is the newest `updated` time it has handed back
// (model::format_timestamp text, empty before the first read). Items older than the cursor are
// dropped before they reach the caller, so a read from a cursor gives exactly ">= cursor".

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/model/date_time.hpp"

namespace capsync::connector {

// The cursor's time, or none for an empty cursor (read everything). `provider` names the
// connector in the error for a cursor that is not a timestamp.
inline Result<std::optional<model::Timestamp>> parse_cursor(std::string_view cursor, std::string_view provider) {
  if (cursor.empty()) return std::optional<model::Timestamp>{};
  auto ts = model::parse_timestamp(cursor);
  if (!ts) return make_error(Errc::invalid_argument, "bad {} cursor '{}'", provider, cursor);
  return std::optional<model::Timestamp>{*ts};
}

// Keeps the items (with an updated_at) at or after `since` and gives the cursor after them:
// the newest updated_at seen, else `cursor` as it was.
template <typename T>
std::string keep_new(std::vector<T>& items, std::optional<model::Timestamp> since, std::string_view cursor) {
  if (since) std::erase_if(items, [&](const T& x) { return x.updated_at && *x.updated_at < *since; });
  std::optional<model::Timestamp> high = since;
  for (const auto& x : items)
    if (x.updated_at && (!high || *x.updated_at > *high)) high = x.updated_at;
  return high ? model::format_timestamp(*high) : std::string(cursor);
}

}  // namespace capsync::connector
