#pragma once
// Sage writes a country as its ISO 3166 alpha-2 id (main_address.country_id, "GB"); Capsule
// wants a country name ("United Kingdom"). Covers the countries Sage Accounting serves and
// their usual trading partners; anything else passes through unchanged.

#include <optional>
#include <string>
#include <string_view>

namespace capsync::sage {

// "GB" -> "United Kingdom"; nullopt when unknown.
std::optional<std::string_view> country_name(std::string_view code);
// "United Kingdom" (also "UK", "Great Britain", or a code) -> "GB"; nullopt when unknown.
std::optional<std::string_view> country_code(std::string_view name);

}  // namespace capsync::sage
