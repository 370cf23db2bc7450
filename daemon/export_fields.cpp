#include "daemon/export_fields.hpp"

#include <array>

namespace capsync::daemon {

namespace {

// Provider field names in the order of export_fields(): name, person's name, contact person,
// email, phone, fax, mobile, website, address. "" = the connector does not write it.
struct Names {
  std::string_view provider;
  std::array<std::string_view, 9> fields;
};

constexpr std::array<Names, 5> kNames{{
    {"xero",
     {"Name", "Name, FirstName / LastName", "FirstName / LastName", "EmailAddress", "Phones[DEFAULT]", "Phones[FAX]",
      "Phones[MOBILE]", "", "Addresses[POBOX]"}},
    {"sage",
     {"name", "name, main_contact_person.name", "main_contact_person.name", "main_contact_person.email",
      "main_contact_person.telephone", "main_contact_person.fax", "main_contact_person.mobile", "",
      "main_address"}},
    {"freeagent",
     {"organisation_name", "first_name / last_name", "first_name / last_name", "email", "phone_number", "",
      "mobile", "", "address1-3, town, region, postcode, country"}},
    {"freshbooks",
     {"organization", "fname / lname", "fname / lname", "email", "bus_phone", "fax", "mob_phone", "",
      "p_street, p_street2, p_city, p_province, p_code, p_country"}},
    {"kashflow",
     {"Name", "Name, Contacts[0].Firstname / LastName", "Contacts[0].Firstname / LastName", "Email",
      "TelephoneNumber", "FaxNumber", "MobileNumber", "Website", "Addresses[0].Line1-4, PostCode, CountryName"}},
}};

// For a provider whose connector is not in this table: the neutral names, all sent.
constexpr std::array<std::string_view, 9> kNeutral{
    "name", "first and last name", "contact person", "email", "phone", "fax", "mobile", "website", "address"};

std::string join(std::string_view a, std::string_view b, std::string_view separator) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  return std::string(a) + std::string(separator) + std::string(b);
}

std::string address_line(const model::ContactDetails& d) {
  if (!d.address) return {};
  std::string street;
  for (char c : d.address->street) street += c == '\n' ? std::string(", ") : std::string(1, c);
  std::string line;
  for (const auto& part : {street, d.address->city, d.address->state, d.address->zip, d.address->country})
    line = join(line, part, ", ");
  return line;
}

}  // namespace

std::vector<ExportField> export_fields(std::string_view provider, const model::ContactDetails& d) {
  auto names = kNeutral;
  for (const auto& n : kNames)
    if (n.provider == provider) names = n.fields;
  const bool person = d.kind == model::ContactKind::person;
  std::vector<ExportField> out;
  out.push_back({"name", std::string(person ? names[1] : names[0]),
                 person && !(d.first_name.empty() && d.last_name.empty()) ? join(d.first_name, d.last_name, " ")
                                                                          : d.name});
  if (!person) {
    std::string contact_person;
    if (d.contact_person) contact_person = join(d.contact_person->first_name, d.contact_person->last_name, " ");
    out.push_back({"contact_person", std::string(names[2]), contact_person});
  }
  out.push_back({"email", std::string(names[3]), d.email});
  out.push_back({"phone", std::string(names[4]), d.phone});
  out.push_back({"fax", std::string(names[5]), d.fax});
  out.push_back({"mobile", std::string(names[6]), d.mobile});
  out.push_back({"website", std::string(names[7]), d.website});
  out.push_back({"address", std::string(names[8]), address_line(d)});
  return out;
}

}  // namespace capsync::daemon
