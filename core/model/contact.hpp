#pragma once
// Contact: an accounting-side contact (Xero contact, FreshBooks client, KashFlow customer or
// supplier, FreeAgent contact, Sage contact) in the neutral model.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/contact_items.hpp"
#include "core/model/date_time.hpp"

namespace capsync::model {

// As the provider says. Providers with no such flag (Xero) report `organisation`, unless the
// contact has only a person's name and no company (connector's call, documented there).
enum class ContactKind { person, organisation };
std::string_view to_string(ContactKind kind);

enum class ContactStatus { active, archived, deleted };
std::string_view to_string(ContactStatus status);

struct Contact {
  std::string remote_id;  // the provider's id as text (Xero ContactID, FreshBooks client id, ...)
  ContactKind kind = ContactKind::organisation;
  std::string name;        // organisation name (Xero Name); for a person, may be empty or "First Last"
  std::string first_name;  // a person contact's own name
  std::string last_name;
  std::optional<ContactPerson> contact_person;  // the person at an organisation
  std::vector<std::string> emails;              // first = primary (Xero EmailAddress)
  std::vector<PhoneNumber> phones;              // ids empty; kinds main/mobile/fax/direct
  std::vector<Address> addresses;               // first = primary
  std::string website;
  bool is_customer = true;
  bool is_supplier = false;
  ContactStatus status = ContactStatus::active;
  std::optional<Timestamp> updated_at;

  // The name matched against Capsule (R1): `name` when set, else "First Last".
  std::string display_name() const;

  friend bool operator==(const Contact&, const Contact&) = default;
};

// The accounting-side contact details capsync writes: R10 pushes (ContactUpdate) and R12
// exports (ContactSpec) carry exactly these fields. Connectors map them to provider JSON.
// Strings are sent as they are ("" clears the field); an empty optional is left out, so the
// accounting side keeps what it has (Xero: a supplied list replaces the old one).
struct ContactDetails {
  ContactKind kind = ContactKind::organisation;
  std::string name;        // organisation name, or "First Last" for a person
  std::string first_name;  // person contacts only
  std::string last_name;
  std::optional<ContactPerson> contact_person;
  std::string email;  // first email
  std::string phone;  // main phone
  std::string mobile;
  std::string fax;
  std::string website;
  std::optional<Address> address;  // first address (ids cleared)

  friend bool operator==(const ContactDetails&, const ContactDetails&) = default;
};

}  // namespace capsync::model
