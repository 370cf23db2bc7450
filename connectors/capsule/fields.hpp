#pragma once
// Capsule custom field definitions (GET /parties/fields/definitions) and finding the ones the
// connection's config names (R6 summary fields).

#include <string_view>
#include <vector>

#include "core/connector/capsule_types.hpp"
#include "core/error/result.hpp"

namespace capsync::capsule {

Result<std::vector<connector::FieldDefinition>> parse_definitions_body(std::string_view body);

std::string_view to_string(connector::FieldType type);  // "Text", "Number", "Date", ...

// The definition called exactly `name` with type `type`. Missing or of another type:
// Errc::invalid_argument telling the operator what to create in Capsule.
Result<std::int64_t> find_definition(const std::vector<connector::FieldDefinition>& definitions,
                                     std::string_view name, connector::FieldType type);

}  // namespace capsync::capsule
