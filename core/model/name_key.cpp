#include "core/model/name_key.hpp"

#include <utf8proc.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

namespace capsync::model {
namespace {

using Codepoints = std::vector<utf8proc_int32_t>;

// Lower-case; a suffix that ends another one comes after it ("pty ltd" before "ltd"). Each must be preceded by a space or a
// comma to be dropped, and a name is never reduced to nothing.
constexpr std::array<std::string_view, 44> kLegalSuffixes = {
    "gmbh & co. kg", "pty. ltd.", "pty limited", "incorporated", "corporation", "s.a.r.l.",
    "pty ltd",       "limited",   "p.l.c.",      "s.r.l.",       "s.p.a.",      "s.a.s.",
    "l.l.c.",        "l.l.p.",    "corp.",       "gmbh",         "sarl",        "ltda",
    "ltd.",          "inc.",      "b.v.",        "n.v.",         "s.a.",        "corp",
    "ltd",           "inc",       "llc",         "llp",          "plc",         "sas",
    "srl",           "spa",       "aps",         "a/s",          "bv",          "nv",
    "sa",            "ag",        "kg",          "ug",           "oy",          "ab",
    "pte",           "lp"};

std::optional<Codepoints> decode(std::string_view s) {
  Codepoints out;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp < 0) return std::nullopt;
    out.push_back(cp);
    p += n;
    left -= n;
  }
  return out;
}

std::string encode(const Codepoints& cps) {
  std::string out;
  out.reserve(cps.size());
  utf8proc_uint8_t buf[4];
  for (auto cp : cps) {
    const auto n = utf8proc_encode_char(cp, buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
  }
  return out;
}

// Unicode White_Space: separators (Zs/Zl/Zp, incl. NBSP) and the ASCII/C1 controls that are spaces.
bool is_space(utf8proc_int32_t cp) {
  if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x85) return true;
  const auto cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

bool is_punctuation(utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
      return true;
    default:
      return false;
  }
}

bool is_ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Applies utf8proc options to valid UTF-8; invalid input comes back unchanged.
std::string map(std::string_view s, int options) {
  if (s.empty()) return {};
  utf8proc_uint8_t* out = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                              static_cast<utf8proc_ssize_t>(s.size()), &out,
                              static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(out, &std::free);
  if (n < 0) return std::string(s);
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

std::string ascii_lower(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// Trims white space at both ends and turns inner runs into one ASCII space.
std::string collapse_spaces(std::string_view s) {
  auto cps = decode(s);
  std::string out;
  if (!cps) {  // invalid UTF-8: ASCII white space only
    bool pending = false;
    for (char c : s) {
      if (is_ascii_space(c)) {
        pending = !out.empty();
        continue;
      }
      if (pending) out.push_back(' ');
      pending = false;
      out.push_back(c);
    }
    return out;
  }
  Codepoints kept;
  bool pending = false;
  for (auto cp : *cps) {
    if (is_space(cp)) {
      pending = !kept.empty();
      continue;
    }
    if (pending) kept.push_back(' ');
    pending = false;
    kept.push_back(cp);
  }
  return encode(kept);
}

std::string drop_legal_suffix(std::string key) {
  for (auto suffix : kLegalSuffixes) {
    if (key.size() <= suffix.size() + 1) continue;
    const auto start = key.size() - suffix.size();
    if (std::string_view(key).substr(start) != suffix) continue;
    const char before = key[start - 1];
    if (before != ' ' && before != ',') continue;
    std::size_t end = start;
    while (end > 0 && (key[end - 1] == ' ' || key[end - 1] == ',')) --end;
    if (end == 0) continue;  // the whole name is a suffix ("Limited"): keep it
    key.resize(end);
    return key;
  }
  return key;
}

}  // namespace

std::string exact_key(std::string_view name) {
  auto cps = decode(name);
  if (!cps) {
    std::size_t b = 0, e = name.size();
    while (b < e && is_ascii_space(name[b])) ++b;
    while (e > b && is_ascii_space(name[e - 1])) --e;
    return std::string(name.substr(b, e - b));
  }
  std::size_t b = 0, e = cps->size();
  while (b < e && is_space((*cps)[b])) ++b;
  while (e > b && is_space((*cps)[e - 1])) --e;
  const Codepoints trimmed(cps->begin() + static_cast<std::ptrdiff_t>(b),
                           cps->begin() + static_cast<std::ptrdiff_t>(e));
  return map(encode(trimmed), UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

std::string normalized_key(std::string_view name) {
  const std::string exact = exact_key(name);
  std::string folded = decode(exact)
                           ? map(exact, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD)
                           : ascii_lower(exact);
  return drop_legal_suffix(collapse_spaces(folded));
}

std::string near_key(std::string_view name) {
  const std::string normalized = normalized_key(name);
  auto cps = decode(normalized);
  if (!cps) {
    std::string out;
    for (char c : normalized) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x80 && (is_ascii_space(c) || (std::ispunct(u) != 0))) continue;
      out.push_back(c);
    }
    return out;
  }
  Codepoints kept;
  for (auto cp : *cps) {
    if (is_space(cp) || is_punctuation(cp)) continue;
    kept.push_back(cp);
  }
  return encode(kept);
}

std::string person_display_name(std::string_view first_name, std::string_view last_name) {
  const std::string first = exact_key(first_name);
  const std::string last = exact_key(last_name);
  if (first.empty()) return last;
  if (last.empty()) return first;
  return first + " " + last;
}

}  // namespace capsync::model
