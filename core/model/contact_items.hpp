#pragma once
// The items of contact details both sides share: addresses, phone numbers, email addresses,
// websites. On the Capsule side each carries Capsule's item id, because a Capsule PUT appends
// items without an id and changes or deletes (`_delete: true`) only by id (design §3).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace capsync::model {

using CapsuleItemId = std::int64_t;

// Neutral phone kinds. Capsule: Home, Work, Mobile, Fax, Direct (or none);
// Xero: DEFAULT, DDI, MOBILE, FAX. Connectors map: Work/none <-> main, Direct <-> direct.
enum class PhoneKind { main, mobile, fax, direct, home, other };
std::string_view to_string(PhoneKind kind);

struct PhoneNumber {
  std::optional<CapsuleItemId> id;  // Capsule item id; empty on the accounting side and for new items
  PhoneKind kind = PhoneKind::main;
  std::string number;  // as the user typed it, including country/area code

  friend bool operator==(const PhoneNumber&, const PhoneNumber&) = default;
};

struct EmailAddress {
  std::optional<CapsuleItemId> id;
  std::string type;  // Capsule "Work", "Home" or empty; accounting side: empty
  std::string address;

  friend bool operator==(const EmailAddress&, const EmailAddress&) = default;
};

struct Address {
  std::optional<CapsuleItemId> id;
  std::string type;     // Capsule "Office", "Postal", "Billing", ...; Xero "STREET"/"POBOX"
  std::string street;   // lines joined with '\n'
  std::string city;
  std::string state;
  std::string zip;
  std::string country;  // a country name (Capsule refuses codes such as "UK")

  bool empty() const {
    return street.empty() && city.empty() && state.empty() && zip.empty() && country.empty();
  }
  friend bool operator==(const Address&, const Address&) = default;
};

struct Website {
  std::optional<CapsuleItemId> id;
  std::string service = "URL";  // Capsule service: URL, LINKED_IN, TWITTER, ...
  std::string address;          // the URL or handle as entered

  friend bool operator==(const Website&, const Website&) = default;
};

// The person an accounting contact is addressed to (Xero ContactPersons[0] / First+LastName
// on an organisation, FreshBooks fname/lname).
struct ContactPerson {
  std::string first_name;
  std::string last_name;
  std::string email;

  bool empty() const { return first_name.empty() && last_name.empty() && email.empty(); }
  friend bool operator==(const ContactPerson&, const ContactPerson&) = default;
};

}  // namespace capsync::model
