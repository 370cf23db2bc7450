#pragma once
// Capsule validates address.country against its own dictionary of country names
// ("United Kingdom" is accepted, "UK" gives 422).

#include <span>
#include <string_view>

namespace capsync::sandbox {

std::span<const std::string_view> capsule_countries();
bool is_capsule_country(std::string_view name);

}  // namespace capsync::sandbox
