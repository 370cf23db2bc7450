#include "connectors/capsule/fields.hpp"

#include "core/connector/json.hpp"

namespace capsync::capsule {

namespace json = connector::json;
using connector::FieldType;

namespace {
FieldType type_of(std::string_view t) {
  if (t == "text") return FieldType::text;
  if (t == "number") return FieldType::number;
  if (t == "date") return FieldType::date;
  if (t == "list") return FieldType::list;
  if (t == "boolean") return FieldType::boolean;
  if (t == "link") return FieldType::link;
  if (t == "large_text" || t == "largeText") return FieldType::large_text;
  return FieldType::other;
}
}  // namespace

std::string_view to_string(FieldType type) {
  switch (type) {
    case FieldType::text: return "Text";
    case FieldType::number: return "Number";
    case FieldType::date: return "Date";
    case FieldType::list: return "List";
    case FieldType::boolean: return "Checkbox";
    case FieldType::link: return "Link";
    case FieldType::large_text: return "Large text";
    case FieldType::other: break;
  }
  return "other";
}

Result<std::vector<connector::FieldDefinition>> parse_definitions_body(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, "definitions");
  if (!list) return Error(Errc::protocol, "no \"definitions\" array in the response");
  std::vector<connector::FieldDefinition> out;
  for (const auto& d : list->GetArray()) {
    auto id = json::integer(d, "id");
    if (!id || !*id) return Error(Errc::protocol, "a field definition has no id");
    out.push_back({**id, std::string(json::text_or_empty(d, "name")),
                   type_of(json::text_or_empty(d, "type")),
                   std::string(json::text_or_empty(d, "captureRule"))});
  }
  return out;
}

Result<std::int64_t> find_definition(const std::vector<connector::FieldDefinition>& definitions,
                                     std::string_view name, FieldType type) {
  for (const auto& d : definitions) {
    if (d.name != name) continue;
    if (d.type != type)
      return make_error(Errc::invalid_argument,
                        "Capsule custom field '{}' is a {} field; capsync needs a {} field: change "
                        "it or name another field in the config",
                        name, to_string(d.type), to_string(type));
    if (!d.capture_rule.empty())
      return make_error(Errc::invalid_argument,
                        "Capsule custom field '{}' only applies to {} parties; capsync writes it on "
                        "people and organisations: make it apply to both",
                        name, d.capture_rule);
    return d.id;
  }
  return make_error(Errc::invalid_argument,
                    "Capsule has no custom field '{}' for people and organisations: create a {} "
                    "field named '{}' under Settings > Custom Fields",
                    name, to_string(type), name);
}

}  // namespace capsync::capsule
