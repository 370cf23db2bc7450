#include "connectors/sage/contacts.hpp"

#include <cctype>

#include <fmt/format.h>
#include <openssl/sha.h>

#include "connectors/sage/countries.hpp"
#include "core/connector/contact_details.hpp"
#include "core/connector/json.hpp"
#include "core/connector/text.hpp"
#include "core/connector/unchanged_fields.hpp"

namespace capsync::sage {

namespace json = connector::json;
using model::ContactKind;
using model::PhoneKind;
using connector::trim;
using connector::join_name;
using connector::split_name;

namespace {

// "United Kingdom (GB)" -> "United Kingdom"; else the name for the id; else the id.
std::string country_of(const rapidjson::Value& address) {
  const auto* country = json::object(address, "country");
  if (country == nullptr) return {};
  std::string shown = trim(json::text_or_empty(*country, "displayed_as"));
  std::string id = trim(json::text_or_empty(*country, "id"));
  if (!shown.empty()) {
    std::string suffix = " (" + id + ")";
    if (!id.empty() && shown.ends_with(suffix)) shown.resize(shown.size() - suffix.size());
    return shown;
  }
  if (auto name = country_name(id)) return std::string(*name);
  return id;
}

}  // namespace

Result<model::Contact> parse_contact(const rapidjson::Value& e) {
  model::Contact c;
  auto id = json::required_text(e, "id");
  if (!id) return id.error();
  c.remote_id = std::string(*id);
  c.name = trim(json::text_or_empty(e, "name"));
  c.is_customer = false;
  if (const auto* types = json::array(e, "contact_types")) {
    for (const auto& t : types->GetArray()) {
      std::string_view type = json::text_or_empty(t, "id");
      if (type == "CUSTOMER") c.is_customer = true;
      if (type == "VENDOR") c.is_supplier = true;
    }
  }
  std::string email = trim(json::text_or_empty(e, "email"));
  if (const auto* person = json::object(e, "main_contact_person")) {
    std::string person_name = trim(json::text_or_empty(*person, "name"));
    std::string person_email = trim(json::text_or_empty(*person, "email"));
    if (!person_email.empty()) email = person_email;
    auto [first, last] = split_name(person_name);  // Sage keeps a person's name in one field
    if (!person_name.empty() && person_name == c.name) {
      c.kind = ContactKind::person;
      c.first_name = first;
      c.last_name = last;
    } else if (!person_name.empty()) {
      c.contact_person = model::ContactPerson{first, last, email};
    }
    for (auto [key, kind] : {std::pair{"telephone", PhoneKind::main}, std::pair{"mobile", PhoneKind::mobile},
                             std::pair{"fax", PhoneKind::fax}}) {
      std::string number = trim(json::text_or_empty(*person, key));
      if (!number.empty()) c.phones.push_back(model::PhoneNumber{std::nullopt, kind, number});
    }
  }
  if (!email.empty()) c.emails.push_back(email);
  if (const auto* a = json::object(e, "main_address")) {
    model::Address address;
    address.street = json::lines(*a, {"address_line_1", "address_line_2"});
    address.city = trim(json::text_or_empty(*a, "city"));
    address.state = trim(json::text_or_empty(*a, "region"));
    address.zip = trim(json::text_or_empty(*a, "postal_code"));
    address.country = country_of(*a);
    if (!address.empty()) c.addresses.push_back(std::move(address));
  }
  if (json::text(e, "deleted_at"))
    c.status = model::ContactStatus::deleted;
  else if (!json::boolean(e, "is_active", true))
    c.status = model::ContactStatus::archived;
  for (auto key : {"deleted_at", "updated_at"}) {
    auto stamp = json::text(e, key);
    if (!stamp) continue;
    auto ts = model::parse_timestamp(*stamp);
    if (!ts) return make_error(Errc::protocol, "contact {}: {} '{}' is not a date-time", c.remote_id, key, *stamp);
    c.updated_at = *ts;
    break;
  }
  return c;
}

connector::Decoded<model::Contact> parse_contacts(const rapidjson::Value& items) {
  connector::Decoded<model::Contact> out;
  json::decode_each(items, {"id", {"name"}}, out.unreadable, parse_contact,
                    [&](model::Contact c) { out.items.push_back(std::move(c)); });
  return out;
}

Result<model::Contact> parse_contact_body(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  if (!doc->IsObject()) return Error(Errc::protocol, "the contact is not a JSON object");
  return parse_contact(*doc);
}

namespace {

std::string name_of(const model::ContactDetails& d) {
  if (!trim(d.name).empty()) return trim(d.name);
  return join_name(d.first_name, d.last_name);
}

// The main contact person's name: the person themself, or the organisation's contact person.
std::string person_name(const model::ContactDetails& d) {
  if (d.kind == ContactKind::person) return name_of(d);
  return d.contact_person ? join_name(d.contact_person->first_name, d.contact_person->last_name) : std::string{};
}


struct AddressFields {
  std::string line1, line2, city, region, postal_code, country_id;
};

AddressFields address_fields(const std::optional<model::Address>& address) {
  model::Address a = address.value_or(model::Address{});
  AddressFields out;
  const auto lines = connector::street_lines(a.street, 2);
  out.line1 = lines[0];
  out.line2 = lines[1];
  out.city = trim(a.city);
  out.region = trim(a.state);
  out.postal_code = trim(a.zip);
  if (auto code = country_code(trim(a.country))) out.country_id = std::string(*code);
  return out;
}

// Writes {"contact":{...}}; `old` = the details as last read (nullptr: write everything).
// `create` adds the create-only members.
std::optional<std::string> contact_body(const model::ContactDetails& d, const model::ContactDetails* old, bool create,
                                        std::string_view idempotency) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  bool changed = false;
  w.StartObject();
  json::write_key(w, "contact");
  w.StartObject();
  if (create) {
    json::write_key(w, "contact_type_ids");
    w.StartArray();
    json::write_string(w, "CUSTOMER");
    w.EndArray();
    if (!idempotency.empty()) {
      json::write_key(w, "idempotency_id");
      json::write_string(w, idempotency);
    }
  }
  auto field = [&](std::string_view key, const std::string& now, const std::string* before) {
    if (old ? *before == now : now.empty()) return false;
    json::write_key(w, key);
    json::write_string(w, now);
    return true;
  };
  std::string name = name_of(d), old_name = old ? name_of(*old) : std::string();
  changed |= field("name", name, old ? &old_name : nullptr);

  // Nested objects: open them only when one of their keys is written.
  auto nested = [&](std::string_view key, auto&& fields) {
    bool open = false;
    auto put = [&](std::string_view k, const std::string& now, const std::string* before) {
      if (old ? *before == now : now.empty()) return;
      if (!open) {
        json::write_key(w, key);
        w.StartObject();
        open = true;
      }
      json::write_key(w, k);
      json::write_string(w, now);
    };
    fields(put);
    if (open) {
      if (key == "main_contact_person") {
        json::write_key(w, "is_main_contact");
        w.Bool(true);
      }
      w.EndObject();
      changed = true;
    }
  };
  std::string pn = person_name(d), em = connector::email_to_write(d);
  std::string old_pn = old ? person_name(*old) : std::string(), old_em = old ? connector::email_to_write(*old) : std::string();
  nested("main_contact_person", [&](auto& put) {
    // An organisation pushed without a contact person leaves Sage's contact person's name alone.
    if (d.kind == ContactKind::person || d.contact_person) put("name", pn, old ? &old_pn : nullptr);
    put("email", em, old ? &old_em : nullptr);
    put("telephone", d.phone, old ? &old->phone : nullptr);
    put("mobile", d.mobile, old ? &old->mobile : nullptr);
    put("fax", d.fax, old ? &old->fax : nullptr);
  });
  AddressFields a = address_fields(d.address);
  AddressFields before = old ? address_fields(old->address) : AddressFields{};
  nested("main_address", [&](auto& put) {
    put("address_line_1", a.line1, old ? &before.line1 : nullptr);
    put("address_line_2", a.line2, old ? &before.line2 : nullptr);
    put("city", a.city, old ? &before.city : nullptr);
    put("region", a.region, old ? &before.region : nullptr);
    put("postal_code", a.postal_code, old ? &before.postal_code : nullptr);
    put("country_id", a.country_id, old ? &before.country_id : nullptr);
  });
  w.EndObject();
  w.EndObject();
  if (old && !changed) return std::nullopt;
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string contact_create_body(const model::ContactDetails& spec, std::string_view idempotency) {
  return *contact_body(spec, nullptr, true, idempotency);
}

std::optional<std::string> contact_update_body(const connector::ContactUpdate& update) {
  if (!update.current) return contact_body(update.desired, nullptr, false, {});
  model::ContactDetails old = connector::details_of(*update.current);
  return contact_body(connector::keep_unchanged_fields(update.desired, old, update.previous), &old, false, {});
}

std::string idempotency_id(std::string_view key) {
  std::string hex;
  for (char c : key)
    if (c != '-') hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool is_hex = hex.size() == 32 && hex.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (is_hex) return hex;
  // Any other key: the first 128 bits of its SHA-256, so the same intent always sends the same id.
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

}  // namespace capsync::sage
