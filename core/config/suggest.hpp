#pragma once
// "Did you mean ...?" for misspelt keys, enum values and time zones.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace capsync::config {

// Optimal string alignment distance (Levenshtein plus adjacent transpositions), ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to word, if it is close enough to be a plausible typo: at most 2 edits,
// and fewer than half the length of the longer word (so "on" does not suggest "off").
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace capsync::config
