#include "core/model/contact.hpp"

#include "core/model/name_key.hpp"

namespace capsync::model {

std::string_view to_string(ContactKind kind) {
  return kind == ContactKind::person ? "person" : "organisation";
}

std::string_view to_string(ContactStatus status) {
  switch (status) {
    case ContactStatus::active: return "active";
    case ContactStatus::archived: return "archived";
    case ContactStatus::deleted: return "deleted";
  }
  return "active";
}

std::string Contact::display_name() const {
  if (!exact_key(name).empty()) return name;
  return person_display_name(first_name, last_name);
}

}  // namespace capsync::model
