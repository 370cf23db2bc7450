#include "core/sync/contact_details.hpp"

#include "core/model/name_key.hpp"
#include "core/sync/stable_hash.hpp"

namespace capsync::sync {

namespace {

using model::PhoneKind;

struct Phones {
  std::string main, mobile, fax, fallback;
};

template <typename PhoneList>
Phones pick_phones(const PhoneList& phones) {
  Phones out;
  for (const auto& p : phones) {
    if (p.number.empty()) continue;
    switch (p.kind) {
      case PhoneKind::main:
        if (out.main.empty()) out.main = p.number;
        break;
      case PhoneKind::mobile:
        if (out.mobile.empty()) out.mobile = p.number;
        break;
      case PhoneKind::fax:
        if (out.fax.empty()) out.fax = p.number;
        break;
      case PhoneKind::direct:
      case PhoneKind::home:
      case PhoneKind::other:
        if (out.fallback.empty()) out.fallback = p.number;
        break;
    }
  }
  if (out.main.empty()) out.main = out.fallback;
  return out;
}

template <typename Source>
void fill_common(const Source& src, model::ContactDetails& d) {
  if (!src.emails.empty()) d.email = src.emails.front().address;
  const auto phones = pick_phones(src.phones);
  d.phone = phones.main;
  d.mobile = phones.mobile;
  d.fax = phones.fax;
  if (!src.websites.empty()) d.website = src.websites.front().address;
  for (const auto& a : src.addresses) {
    if (a.empty()) continue;
    model::Address address = a;
    address.id.reset();
    address.type.clear();  // each side has its own address types; the connector picks one
    d.address = std::move(address);
    break;
  }
}

template <typename Source>
model::ContactDetails details_of(const Source& src) {
  model::ContactDetails d;
  if (src.type == model::PartyType::person) {
    d.kind = model::ContactKind::person;
    d.first_name = model::exact_key(src.first_name);
    d.last_name = model::exact_key(src.last_name);
    d.name = model::person_display_name(src.first_name, src.last_name);
  } else {
    d.kind = model::ContactKind::organisation;
    d.name = model::exact_key(src.name);
  }
  fill_common(src, d);
  return d;
}

}  // namespace

model::ContactDetails details_from_party(const model::Party& party) { return details_of(party); }

model::ContactDetails push_details(const model::Party& party, const model::Party* person) {
  model::ContactDetails d = details_of(party);
  if (!person || party.type != model::PartyType::organisation) return d;
  const model::ContactDetails p = details_of(*person);
  d.contact_person = model::ContactPerson{p.first_name, p.last_name, p.email};
  if (d.email.empty()) d.email = p.email;
  return d;
}

model::ContactDetails details_from_spec(const model::PartySpec& spec) { return details_of(spec); }

std::string details_hash(const model::ContactDetails& d) {
  StableHash h;
  h.add("details-v1").add(model::to_string(d.kind)).add(d.name).add(d.first_name).add(d.last_name);
  h.add(d.contact_person.has_value());
  if (d.contact_person) {
    h.add(d.contact_person->first_name).add(d.contact_person->last_name).add(d.contact_person->email);
  }
  h.add(d.email).add(d.phone).add(d.mobile).add(d.fax).add(d.website);
  h.add(d.address.has_value());
  if (d.address) {
    h.add(d.address->type).add(d.address->street).add(d.address->city).add(d.address->state)
        .add(d.address->zip).add(d.address->country);
  }
  return h.hex();
}

}  // namespace capsync::sync
