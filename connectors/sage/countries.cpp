#include "connectors/sage/countries.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace capsync::sage {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 30> kCountries{{
    {"GB", "United Kingdom"}, {"IE", "Ireland"},     {"US", "United States"}, {"CA", "Canada"},
    {"FR", "France"},         {"DE", "Germany"},     {"ES", "Spain"},         {"IT", "Italy"},
    {"NL", "Netherlands"},    {"BE", "Belgium"},     {"LU", "Luxembourg"},    {"PT", "Portugal"},
    {"AT", "Austria"},        {"CH", "Switzerland"}, {"DK", "Denmark"},       {"SE", "Sweden"},
    {"NO", "Norway"},         {"FI", "Finland"},     {"PL", "Poland"},        {"CZ", "Czech Republic"},
    {"GR", "Greece"},         {"AU", "Australia"},   {"NZ", "New Zealand"},   {"ZA", "South Africa"},
    {"IN", "India"},          {"JP", "Japan"},       {"CN", "China"},         {"MX", "Mexico"},
    {"BR", "Brazil"},         {"AE", "United Arab Emirates"},
}};

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::string_view> country_name(std::string_view code) {
  for (auto [c, name] : kCountries)
    if (same(c, code)) return name;
  return std::nullopt;
}

std::optional<std::string_view> country_code(std::string_view name) {
  if (same(name, "UK") || same(name, "Great Britain") || same(name, "England") || same(name, "Scotland") ||
      same(name, "Wales") || same(name, "Northern Ireland"))
    return "GB";
  if (same(name, "USA") || same(name, "United States of America")) return "US";
  for (auto [code, n] : kCountries)
    if (same(n, name) || same(code, name)) return code;
  return std::nullopt;
}

}  // namespace capsync::sage
