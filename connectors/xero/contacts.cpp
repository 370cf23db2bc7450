#include "connectors/xero/contacts.hpp"

#include <algorithm>
#include <array>

#include "connectors/xero/dates.hpp"
#include "core/connector/contact_details.hpp"
#include "core/connector/json.hpp"
#include "core/connector/text.hpp"

namespace capsync::xero {

namespace json = connector::json;
using model::ContactKind;
using model::PhoneKind;
using connector::trim;
using connector::join_name;

namespace {

// "+64 (626) 847-1294": the parts Xero keeps apart, in dialling order.
std::string phone_text(const rapidjson::Value& phone) {
  std::string out;
  for (auto key : {"PhoneCountryCode", "PhoneAreaCode", "PhoneNumber"}) {
    std::string part = trim(json::text_or_empty(phone, key));
    if (part.empty()) continue;
    if (!out.empty()) out += ' ';
    out += part;
  }
  return out;
}

std::optional<PhoneKind> phone_kind(std::string_view type) {
  if (type == "DEFAULT") return PhoneKind::main;
  if (type == "MOBILE") return PhoneKind::mobile;
  if (type == "FAX") return PhoneKind::fax;
  if (type == "DDI") return PhoneKind::direct;
  if (type == "OFFICE") return PhoneKind::other;
  return std::nullopt;
}

model::Address address_of(const rapidjson::Value& a) {
  model::Address out;
  out.type = std::string(json::text_or_empty(a, "AddressType"));
  out.street = json::lines(a, {"AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4"});
  out.city = trim(json::text_or_empty(a, "City"));
  out.state = trim(json::text_or_empty(a, "Region"));
  out.zip = trim(json::text_or_empty(a, "PostalCode"));
  out.country = trim(json::text_or_empty(a, "Country"));
  return out;
}

}  // namespace

Result<model::Contact> parse_contact(const rapidjson::Value& e) {
  model::Contact c;
  auto id = json::required_text(e, "ContactID");
  if (!id) return id.error();
  c.remote_id = std::string(*id);
  c.name = trim(json::text_or_empty(e, "Name"));
  std::string first = trim(json::text_or_empty(e, "FirstName"));
  std::string last = trim(json::text_or_empty(e, "LastName"));
  std::string email = trim(json::text_or_empty(e, "EmailAddress"));
  bool has_person = !first.empty() || !last.empty();
  if (has_person && c.name == join_name(first, last)) {
    c.kind = ContactKind::person;
    c.first_name = first;
    c.last_name = last;
  } else {
    c.kind = ContactKind::organisation;
    if (has_person || !email.empty())
      c.contact_person = model::ContactPerson{first, last, email};
  }
  if (!email.empty()) c.emails.push_back(email);

  if (const auto* phones = json::array(e, "Phones")) {
    for (const auto& p : phones->GetArray()) {
      auto kind = phone_kind(json::text_or_empty(p, "PhoneType"));
      std::string number = phone_text(p);
      if (!kind || number.empty()) continue;
      c.phones.push_back(model::PhoneNumber{std::nullopt, *kind, number});
    }
  }
  if (const auto* addresses = json::array(e, "Addresses")) {
    // POBOX is the postal (billing) address Xero prints on invoices: it comes first.
    for (auto wanted : {"POBOX", "STREET"}) {
      for (const auto& a : addresses->GetArray()) {
        if (json::text_or_empty(a, "AddressType") != wanted) continue;
        model::Address address = address_of(a);
        if (!address.empty()) c.addresses.push_back(std::move(address));
      }
    }
  }
  c.website = trim(json::text_or_empty(e, "Website"));
  c.is_customer = json::boolean(e, "IsCustomer");
  c.is_supplier = json::boolean(e, "IsSupplier");

  std::string_view status = json::text_or_empty(e, "ContactStatus");
  if (status == "ARCHIVED")
    c.status = model::ContactStatus::archived;
  else if (status == "GDPRREQUEST")  // erased on request: gone for our purposes (R15)
    c.status = model::ContactStatus::deleted;
  else
    c.status = model::ContactStatus::active;

  if (auto updated = json::text(e, "UpdatedDateUTC")) {
    auto ts = parse_timestamp(*updated);
    if (!ts) return ts.error().with_context(fmt::format("contact {}", c.remote_id));
    c.updated_at = *ts;
  }
  return c;
}

Result<std::optional<Pagination>> parse_pagination(const rapidjson::Value& root) {
  const auto* p = json::object(root, "pagination");
  if (!p) return std::optional<Pagination>{};
  Pagination out;
  std::array<std::pair<const char*, int*>, 4> fields{{{"page", &out.page},
                                                      {"pageSize", &out.page_size},
                                                      {"pageCount", &out.page_count},
                                                      {"itemCount", &out.item_count}}};
  for (auto [key, target] : fields) {
    auto n = json::integer(*p, key);
    if (!n) return n.error().with_context("pagination");
    *target = static_cast<int>(n->value_or(0));
  }
  return std::optional<Pagination>{out};
}

bool more_pages(const std::optional<Pagination>& p, int page, std::size_t raw, int page_size) {
  if (p && p->page_count > 0) return page < p->page_count;
  return raw >= static_cast<std::size_t>(page_size) && raw > 0;
}

std::optional<std::int64_t> listed_total(const std::optional<Pagination>& p) {
  if (!p) return std::nullopt;
  return p->item_count;
}

Result<ContactsPage> parse_contacts(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, "Contacts");
  if (!list) return Error(Errc::protocol, "no \"Contacts\" array in the response");
  ContactsPage page;
  auto pagination = parse_pagination(*doc);
  if (!pagination) return pagination.error();
  page.pagination = *pagination;
  json::decode_each(*list, {"ContactID", {"Name"}}, page.unreadable, parse_contact,
                    [&](model::Contact c) { page.contacts.push_back(std::move(c)); });
  return page;
}

namespace {

// The Xero FirstName/LastName of what we write: the person, or the organisation's contact person.
std::pair<std::string, std::string> primary_person(const model::ContactDetails& d) {
  if (d.kind == ContactKind::person) return {d.first_name, d.last_name};
  if (d.contact_person) return {d.contact_person->first_name, d.contact_person->last_name};
  return {};
}

std::string name_of(const model::ContactDetails& d) {
  if (!trim(d.name).empty()) return trim(d.name);
  return join_name(d.first_name, d.last_name);
}

bool same_address(const std::optional<model::Address>& a, const std::optional<model::Address>& b) {
  auto norm = [](const std::optional<model::Address>& x) {
    model::Address out = x.value_or(model::Address{});
    out.id.reset();
    out.type.clear();
    return out;
  };
  return norm(a) == norm(b);
}

void write_phone(json::Writer& w, std::string_view type, std::string_view number) {
  w.StartObject();
  json::write_key(w, "PhoneType");
  json::write_string(w, type);
  // The whole number goes in PhoneNumber; the split parts are cleared so they cannot linger.
  json::write_key(w, "PhoneNumber");
  json::write_string(w, number);
  json::write_key(w, "PhoneAreaCode");
  json::write_string(w, "");
  json::write_key(w, "PhoneCountryCode");
  json::write_string(w, "");
  w.EndObject();
}

void write_address(json::Writer& w, const std::optional<model::Address>& address) {
  model::Address a = address.value_or(model::Address{});
  const auto lines = connector::street_lines(a.street, 4);
  w.StartObject();
  json::write_key(w, "AddressType");
  json::write_string(w, "POBOX");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    json::write_key(w, fmt::format("AddressLine{}", i + 1));
    json::write_string(w, lines[i]);
  }
  json::write_key(w, "City");
  json::write_string(w, a.city);
  json::write_key(w, "Region");
  json::write_string(w, a.state);
  json::write_key(w, "PostalCode");
  json::write_string(w, a.zip);
  json::write_key(w, "Country");
  json::write_string(w, a.country);
  w.EndObject();
}

struct PhoneChange {
  std::string_view type;
  std::string number;
};

// Writes {"Contacts":[{...}]}; `old` = the contact as last read (nullptr: write everything);
// `prev` = what Capsule had at the last push (nullptr: unknown). A field Capsule did not change
// since `prev` keeps Xero's value, so an edit elsewhere never clears a Xero-only value (R10).
std::optional<std::string> contact_body(std::string_view remote_id, const model::ContactDetails& d,
                                        const model::ContactDetails* old, const model::ContactDetails* prev) {
  using Get = std::string (*)(const model::ContactDetails&);
  auto kept = [&](Get get) { return old && prev && get(*prev) == get(d); };
  // The value to write: Capsule's, or Xero's own where Capsule did not change it.
  auto value = [&](Get get) { return kept(get) ? get(*old) : get(d); };
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  bool changed = false;
  w.StartObject();
  json::write_key(w, "Contacts");
  w.StartArray();
  w.StartObject();
  if (!remote_id.empty()) {
    json::write_key(w, "ContactID");
    json::write_string(w, remote_id);
  }
  auto field = [&](std::string_view key, Get get) {
    const std::string now = value(get);
    if (old && get(*old) == now) return;
    if (!old && now.empty()) return;
    json::write_key(w, key);
    json::write_string(w, now);
    changed = true;
  };
  field("Name", [](const model::ContactDetails& x) { return name_of(x); });
  // An organisation pushed without a contact person leaves Xero's contact person alone.
  if (d.kind == ContactKind::person || d.contact_person) {
    field("FirstName", [](const model::ContactDetails& x) { return primary_person(x).first; });
    field("LastName", [](const model::ContactDetails& x) { return primary_person(x).second; });
  }
  field("EmailAddress", [](const model::ContactDetails& x) { return connector::email_to_write(x); });

  // Whether a partial Phones array replaces the whole list in Xero is unverified: once any
  // phone changed, every managed type is sent, so none is lost either way.
  const std::string main = value([](const model::ContactDetails& x) { return x.phone; });
  const std::string mobile = value([](const model::ContactDetails& x) { return x.mobile; });
  const std::string fax = value([](const model::ContactDetails& x) { return x.fax; });
  const std::vector<PhoneChange> managed{{"DEFAULT", main}, {"MOBILE", mobile}, {"FAX", fax}};
  const bool phones_changed = old ? main != old->phone || mobile != old->mobile || fax != old->fax
                                  : !main.empty() || !mobile.empty() || !fax.empty();
  std::vector<PhoneChange> phones;
  if (phones_changed)
    for (const auto& p : managed)
      if (old || !p.number.empty()) phones.push_back(p);
  if (!phones.empty()) {
    json::write_key(w, "Phones");
    w.StartArray();
    for (const auto& p : phones) write_phone(w, p.type, p.number);
    w.EndArray();
    changed = true;
  }
  const bool address_kept = old && prev && same_address(prev->address, d.address);
  bool address_changed = old ? !address_kept && !same_address(d.address, old->address)
                             : d.address.has_value() && !d.address->empty();
  if (address_changed) {
    json::write_key(w, "Addresses");
    w.StartArray();
    write_address(w, d.address);
    w.EndArray();
    changed = true;
  }
  w.EndObject();
  w.EndArray();
  w.EndObject();
  if (old && !changed) return std::nullopt;
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string contact_create_body(const model::ContactDetails& spec) {
  return *contact_body({}, spec, nullptr, nullptr);
}

std::optional<std::string> contact_update_body(std::string_view remote_id,
                                               const connector::ContactUpdate& update) {
  if (!update.current) return contact_body(remote_id, update.desired, nullptr, nullptr);
  model::ContactDetails old = connector::details_of(*update.current);
  return contact_body(remote_id, update.desired, &old, update.previous ? &*update.previous : nullptr);
}

}  // namespace capsync::xero
