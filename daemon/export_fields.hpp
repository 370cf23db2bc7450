#pragma once
// How the R12 export fields of a contact land in each provider's contact, for the preview
// `capsyncctl export` shows before anything is sent. The provider field names are those the
// connectors write, as the provider's registry entry lists them; a field a provider's contact
// has no place for has an empty `provider_field` and is not sent.

#include <string>
#include <string_view>
#include <vector>

#include "core/config/provider.hpp"
#include "core/model/contact.hpp"

namespace capsync::daemon {

struct ExportField {
  std::string field;           // "name", "contact_person", "email", "phone", "fax", "mobile", "website", "address"
  std::string provider_field;  // "EmailAddress"; "" = not sent to this provider
  std::string value;           // as sent; "" = empty
};

// Every R12 field of `details` in a fixed order, named as the provider names them. An address is one line: street lines, city, region, postcode, country.
std::vector<ExportField> export_fields(const config::ExportFieldNames& names, const model::ContactDetails& details);

}  // namespace capsync::daemon
