#include "core/model/contact_items.hpp"

namespace capsync::model {

std::string_view to_string(PhoneKind kind) {
  switch (kind) {
    case PhoneKind::main: return "main";
    case PhoneKind::mobile: return "mobile";
    case PhoneKind::fax: return "fax";
    case PhoneKind::direct: return "direct";
    case PhoneKind::home: return "home";
    case PhoneKind::other: return "other";
  }
  return "other";
}

}  // namespace capsync::model
