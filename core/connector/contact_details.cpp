#include "core/connector/contact_details.hpp"

#include "core/connector/text.hpp"

namespace capsync::connector {

namespace {

std::string phone_of(const model::Contact& c, model::PhoneKind kind) {
  for (const auto& p : c.phones)
    if (p.kind == kind) return p.number;
  return {};
}

}  // namespace

model::ContactDetails details_of(const model::Contact& c) {
  model::ContactDetails d;
  d.kind = c.kind;
  d.name = c.display_name();
  if (c.kind == model::ContactKind::person) {
    d.first_name = c.first_name;
    d.last_name = c.last_name;
  } else if (c.contact_person && !(c.contact_person->first_name.empty() && c.contact_person->last_name.empty())) {
    d.contact_person = c.contact_person;
  }
  if (!c.emails.empty()) d.email = c.emails.front();
  if (d.contact_person) d.contact_person->email = d.email;
  d.phone = phone_of(c, model::PhoneKind::main);
  d.mobile = phone_of(c, model::PhoneKind::mobile);
  d.fax = phone_of(c, model::PhoneKind::fax);
  d.website = c.website;
  if (!c.addresses.empty()) {
    d.address = c.addresses.front();
    d.address->id.reset();
    d.address->type.clear();
  }
  return d;
}

std::string email_to_write(const model::ContactDetails& d) {
  if (!d.email.empty()) return d.email;
  return d.contact_person ? d.contact_person->email : std::string{};
}

std::pair<std::string, std::string> person_to_write(const model::ContactDetails& d) {
  if (d.kind != model::ContactKind::person) {
    if (!d.contact_person) return {};
    return {trim(d.contact_person->first_name), trim(d.contact_person->last_name)};
  }
  std::pair<std::string, std::string> out{trim(d.first_name), trim(d.last_name)};
  if (out.first.empty() && out.second.empty()) out = split_name(d.name);
  return out;
}

}  // namespace capsync::connector
