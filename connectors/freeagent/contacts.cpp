#include "connectors/freeagent/contacts.hpp"

#include <array>
#include <map>
#include <tuple>

#include "core/connector/contact_details.hpp"
#include "core/connector/fields_body.hpp"
#include "core/connector/json.hpp"
#include "core/connector/text.hpp"
#include "core/connector/unchanged_fields.hpp"
#include "core/model/date_time.hpp"

namespace capsync::freeagent {

namespace json = connector::json;
using model::ContactKind;
using model::PhoneKind;
using connector::trim;
using connector::join_name;

namespace {

// The FreeAgent fields capsync writes, in the order they are sent.
constexpr std::array<const char*, 13> kWritten{
    "organisation_name", "first_name", "last_name", "email", "phone_number", "mobile", "address1",
    "address2", "address3", "town", "region", "postcode", "country"};

using Fields = std::map<std::string, std::string>;

// ContactDetails as FreeAgent's field values ("" = empty).
Fields fields_of(const model::ContactDetails& d) {
  Fields f;
  for (const char* key : kWritten) f[key];
  // FreeAgent needs both parts of a person's name: split from the whole when only that is known.
  std::tie(f["first_name"], f["last_name"]) = connector::person_to_write(d);
  if (d.kind != ContactKind::person) f["organisation_name"] = trim(d.name);
  f["email"] = trim(connector::email_to_write(d));
  f["phone_number"] = trim(d.phone);
  f["mobile"] = trim(d.mobile);
  if (d.address) {
    const auto slots = connector::street_lines(d.address->street, 3);
    f["address1"] = slots[0];
    f["address2"] = slots[1];
    f["address3"] = slots[2];
    f["town"] = trim(d.address->city);
    f["region"] = trim(d.address->state);
    f["postcode"] = trim(d.address->zip);
    f["country"] = trim(d.address->country);
  }
  return f;
}

}  // namespace

std::optional<std::string> id_from_url(std::string_view url) {
  while (url.ends_with('/')) url.remove_suffix(1);
  auto slash = url.rfind('/');
  std::string_view id = slash == std::string_view::npos ? url : url.substr(slash + 1);
  if (id.empty() || id.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return std::string(id);
}

Result<model::Contact> parse_contact(const rapidjson::Value& e) {
  model::Contact c;
  auto url = json::text(e, "url");
  auto id = url ? id_from_url(*url) : std::nullopt;
  if (!id) return Error(Errc::protocol, "a contact has no usable \"url\"");
  c.remote_id = *id;
  std::string organisation = trim(json::text_or_empty(e, "organisation_name"));
  std::string first = trim(json::text_or_empty(e, "first_name"));
  std::string last = trim(json::text_or_empty(e, "last_name"));
  std::string email = trim(json::text_or_empty(e, "email"));
  if (organisation.empty() && !(first.empty() && last.empty())) {
    c.kind = ContactKind::person;
    c.name = join_name(first, last);
    c.first_name = first;
    c.last_name = last;
  } else {
    c.kind = ContactKind::organisation;
    c.name = organisation;
    if (!first.empty() || !last.empty()) c.contact_person = model::ContactPerson{first, last, email};
  }
  if (!email.empty()) c.emails.push_back(email);
  std::string billing = trim(json::text_or_empty(e, "billing_email"));
  if (!billing.empty() && billing != email) c.emails.push_back(billing);
  if (auto phone = trim(json::text_or_empty(e, "phone_number")); !phone.empty())
    c.phones.push_back(model::PhoneNumber{std::nullopt, PhoneKind::main, phone});
  if (auto mobile = trim(json::text_or_empty(e, "mobile")); !mobile.empty())
    c.phones.push_back(model::PhoneNumber{std::nullopt, PhoneKind::mobile, mobile});
  model::Address address;
  address.street = json::lines(e, {"address1", "address2", "address3"});
  address.city = trim(json::text_or_empty(e, "town"));
  address.state = trim(json::text_or_empty(e, "region"));
  address.zip = trim(json::text_or_empty(e, "postcode"));
  address.country = trim(json::text_or_empty(e, "country"));
  if (!address.empty()) c.addresses.push_back(std::move(address));
  c.is_customer = true;
  c.is_supplier = false;
  c.status = json::text_or_empty(e, "status") == "Hidden" ? model::ContactStatus::archived
                                                           : model::ContactStatus::active;
  if (auto updated = json::text(e, "updated_at")) {
    auto ts = model::parse_timestamp(*updated);
    if (!ts) return make_error(Errc::protocol, "contact {}: bad updated_at '{}'", c.remote_id, *updated);
    c.updated_at = *ts;
  }
  return c;
}

Result<connector::Decoded<model::Contact>> parse_contacts(std::string_view text) {
  auto doc = json::parse(text);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, "contacts");
  if (!list) return Error(Errc::protocol, "no \"contacts\" array in the response");
  connector::Decoded<model::Contact> out;
  json::decode_each(*list, {"url", {"organisation_name", "first_name", "last_name"}}, out.unreadable, parse_contact,
                    [&](model::Contact c) { out.items.push_back(std::move(c)); });
  for (auto& u : out.unreadable) u.id = id_from_url(u.id).value_or(u.id);
  return out;
}

Result<model::Contact> parse_single_contact(std::string_view text) {
  auto doc = json::parse(text);
  if (!doc) return doc.error();
  const auto* contact = json::object(*doc, "contact");
  if (!contact) return Error(Errc::protocol, "no \"contact\" object in the response");
  return parse_contact(*contact);
}

std::string contact_create_body(const model::ContactDetails& spec) {
  return connector::fields_body("contact", kWritten, fields_of(spec), connector::has_value);
}

std::optional<std::string> contact_update_body(const connector::ContactUpdate& update) {
  if (!update.current)
    return connector::fields_body("contact", kWritten, fields_of(update.desired), connector::every_field);
  const model::ContactDetails current = connector::details_of(*update.current);
  Fields now = fields_of(connector::keep_unchanged_fields(update.desired, current, update.previous));
  Fields before = fields_of(current);
  // No address in Capsule leaves FreeAgent's as it is (an empty optional is "keep"), and an
  // organisation pushed without a contact person leaves FreeAgent's first and last name alone.
  bool keep_address = !update.desired.address.has_value();
  bool keep_person = update.desired.kind != ContactKind::person && !update.desired.contact_person;
  auto changed = [&](const char* key, const std::string& value) {
    std::string_view k(key);
    if (keep_address && (k.starts_with("address") || k == "town" || k == "region" || k == "postcode" || k == "country"))
      return false;
    if (keep_person && (k == "first_name" || k == "last_name")) return false;
    return before.at(key) != value;
  };
  bool any = false;
  for (const char* key : kWritten) any = any || changed(key, now.at(key));
  if (!any) return std::nullopt;
  return connector::fields_body("contact", kWritten, now, changed);
}

}  // namespace capsync::freeagent
