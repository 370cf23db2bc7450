#include "core/model/party.hpp"

#include "core/model/name_key.hpp"

namespace capsync::model {

std::string_view to_string(PartyType type) {
  return type == PartyType::person ? "person" : "organisation";
}

std::string Party::display_name() const {
  return type == PartyType::person ? person_display_name(first_name, last_name) : name;
}

bool Party::has_tag(std::string_view tag_name) const {
  for (const auto& tag : tags) {
    if (tag.name == tag_name) return true;
  }
  return false;
}

const CustomFieldValue* Party::field(std::int64_t definition_id) const {
  for (const auto& f : fields) {
    if (f.definition_id == definition_id) return &f;
  }
  return nullptr;
}

std::string PartySpec::display_name() const {
  return type == PartyType::person ? person_display_name(first_name, last_name) : name;
}

}  // namespace capsync::model
