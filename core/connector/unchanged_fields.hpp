#pragma once
// R10 for connectors that write a contact field by field: a field Capsule did not change since
// the last push keeps the accounting side's value, even one Capsule never had (an email only
// the accounting service knows is not cleared by an edit of the phone).

#include <optional>

#include "core/model/contact.hpp"

namespace capsync::connector {

// `desired` with each field that equals `previous` (what Capsule said at the last push)
// replaced by `current`'s (the contact as last read). Without `previous`, `desired` as is.
// Email counts as one value whether it sits on the contact or on its contact person.
inline model::ContactDetails keep_unchanged_fields(const model::ContactDetails& desired,
                                                   const model::ContactDetails& current,
                                                   const std::optional<model::ContactDetails>& previous) {
  if (!previous) return desired;
  auto email_of = [](const model::ContactDetails& d) {
    return !d.email.empty() || !d.contact_person ? d.email : d.contact_person->email;
  };
  model::ContactDetails out = desired;
  if (email_of(*previous) == email_of(desired)) {
    out.email = email_of(current);
    if (out.contact_person) out.contact_person->email = out.email;
  }
  if (previous->phone == desired.phone) out.phone = current.phone;
  if (previous->mobile == desired.mobile) out.mobile = current.mobile;
  if (previous->fax == desired.fax) out.fax = current.fax;
  if (previous->website == desired.website) out.website = current.website;
  if (previous->address == desired.address) out.address = current.address;
  return out;
}

}  // namespace capsync::connector
