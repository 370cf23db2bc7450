#pragma once
// Text clean-up the accounting connectors share when they map names and fields: providers
// keep stray white space, and capsync compares and writes names without it.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace capsync::connector {

// `s` without leading and trailing spaces, tabs and line breaks.
inline std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

// "First Last" from a person's two name parts, either of which may be empty.
inline std::string join_name(std::string_view first, std::string_view last) {
  std::string f = trim(first), l = trim(last);
  if (f.empty()) return l;
  if (l.empty()) return f;
  return f + " " + l;
}

// "Jane van Dyke" -> {"Jane van", "Dyke"}: for a provider that needs a person's name in two
// parts when only the whole is known, the last word is the surname.
inline std::pair<std::string, std::string> split_name(std::string_view full) {
  std::string name = trim(full);
  auto space = name.rfind(' ');
  if (space == std::string::npos) return {name, {}};
  return {trim(name.substr(0, space)), trim(name.substr(space + 1))};
}

// A street's non-empty lines, trimmed, spread over a provider's `slots` address lines (at least
// one): a line beyond the last slot joins it after ", ", so no line is dropped.
inline std::vector<std::string> street_lines(std::string_view street, std::size_t slots) {
  std::vector<std::string> out(slots);
  std::size_t n = 0;
  while (!street.empty()) {
    const auto nl = street.find('\n');
    std::string line = trim(street.substr(0, nl));
    street = nl == std::string_view::npos ? std::string_view{} : street.substr(nl + 1);
    if (line.empty()) continue;
    std::string& slot = out[std::min(n++, slots - 1)];
    if (!slot.empty()) slot += ", ";
    slot += line;
  }
  return out;
}

}  // namespace capsync::connector
