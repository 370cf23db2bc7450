#include "connectors/kashflow/customers.hpp"

#include <array>
#include <cctype>

#include <fmt/format.h>

#include "connectors/kashflow/dates.hpp"
#include "core/connector/contact_details.hpp"
#include "core/connector/json.hpp"
#include "core/connector/text.hpp"

namespace capsync::kashflow {

namespace json = connector::json;
using connector::join_name;
using connector::split_name;
using connector::trim;
using model::ContactKind;
using model::PhoneKind;
using rapidjson::Value;

namespace {

std::string text(const Value& object, std::string_view key) { return trim(json::text_or_empty(object, key)); }

// The first non-empty of the keys.
std::string first_text(const Value& object, std::initializer_list<std::string_view> keys) {
  for (auto key : keys)
    if (auto t = text(object, key); !t.empty()) return t;
  return {};
}

const Value* first_item(const Value& object, std::string_view key) {
  const auto* list = json::array(object, key);
  if (list == nullptr || list->Empty() || !(*list)[0].IsObject()) return nullptr;
  return &(*list)[0];
}

// A customer's Addresses[0], or a supplier's Address object.
const Value* address_of(const Value& object) {
  if (const Value* a = first_item(object, "Addresses")) return a;
  return json::object(object, "Address");
}

// The flat fields capsync writes. Person names and the address are optional: an organisation
// pushed without a contact person, or a contact without an address, leaves KashFlow's alone.
struct Fields {
  std::string name, email, phone, mobile, fax, website;
  std::optional<std::pair<std::string, std::string>> person;  // first, last
  std::optional<std::array<std::string, 6>> address;          // Line1..Line4, PostCode, CountryName
};

Fields fields_of(const model::ContactDetails& d) {
  Fields f;
  f.name = trim(d.name).empty() ? join_name(d.first_name, d.last_name) : trim(d.name);
  if (d.kind == ContactKind::person)
    f.person = std::pair{trim(d.first_name), trim(d.last_name)};
  else if (d.contact_person)
    f.person = std::pair{trim(d.contact_person->first_name), trim(d.contact_person->last_name)};
  f.email = trim(d.email).empty() && d.contact_person ? trim(d.contact_person->email) : trim(d.email);
  f.phone = trim(d.phone);
  f.mobile = trim(d.mobile);
  f.fax = trim(d.fax);
  f.website = trim(d.website);
  if (d.address) {
    std::array<std::string, 6> a;
    const auto lines = connector::street_lines(d.address->street, 2);
    a[0] = lines[0];
    a[1] = lines[1];
    a[2] = trim(d.address->city);
    a[3] = trim(d.address->state);
    a[4] = trim(d.address->zip);
    a[5] = trim(d.address->country);
    f.address = a;
  }
  return f;
}

using Alloc = rapidjson::Document::AllocatorType;

void set_text(Value& object, std::string_view key, std::string_view value, Alloc& alloc) {
  Value v(value.data(), static_cast<rapidjson::SizeType>(value.size()), alloc);
  if (auto it = object.FindMember(Value(rapidjson::StringRef(key.data(), key.size()))); it != object.MemberEnd())
    it->value = std::move(v);
  else
    object.AddMember(Value(key.data(), static_cast<rapidjson::SizeType>(key.size()), alloc), std::move(v), alloc);
}

// The first object of array `key`, created (with the array) when missing.
Value& first_object(Value& object, std::string_view key, Alloc& alloc) {
  const Value name(rapidjson::StringRef(key.data(), key.size()));
  auto it = object.FindMember(name);
  // Every member of that name that is not an array goes: a body may repeat a key, and the one
  // found next must not be a string taken for the array.
  while (it != object.MemberEnd() && !it->value.IsArray()) {
    object.RemoveMember(it);
    it = object.FindMember(name);
  }
  if (it == object.MemberEnd()) {
    object.AddMember(Value(key.data(), static_cast<rapidjson::SizeType>(key.size()), alloc), Value(rapidjson::kArrayType),
                     alloc);
    it = object.FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
  }
  if (it->value.Empty() || !it->value[0].IsObject()) {
    Value fresh(rapidjson::kObjectType);
    if (it->value.Empty())
      it->value.PushBack(std::move(fresh), alloc);
    else
      it->value[0] = std::move(fresh);
  }
  return it->value[0];
}

// Where the address is written: a supplier's Address object when the record has one (and no
// Addresses list), else Addresses[0].
Value& address_object(Value& object, Alloc& alloc) {
  auto it = object.FindMember("Address");
  if (it != object.MemberEnd() && it->value.IsObject() && !object.HasMember("Addresses")) return it->value;
  return first_object(object, "Addresses", alloc);
}

// Writes into `doc` each field of `now` that differs from `current` and (when known) from
// `previous`; all non-empty ones when `current` is null. Returns whether anything was written.
bool apply(Value& doc, const Fields& now, const Fields* current, const Fields* previous, Alloc& alloc) {
  bool changed = false;
  auto wanted = [&](auto Fields::*member) {
    const auto& value = now.*member;
    if (!current) return true;
    return value != current->*member && (!previous || value != previous->*member);
  };
  if (wanted(&Fields::name) && (current || !now.name.empty())) {
    set_text(doc, "Name", now.name, alloc);
    changed = true;
  }
  if (now.person && wanted(&Fields::person)) {
    Value& contact = first_object(doc, "Contacts", alloc);
    set_text(contact, "Firstname", now.person->first, alloc);
    set_text(contact, "LastName", now.person->second, alloc);
    set_text(contact, "Name", join_name(now.person->first, now.person->second), alloc);
    changed = true;
  }
  struct Pair {
    std::string Fields::*member;
    std::string_view top, contact;
  };
  for (auto [member, top, contact_key] : {Pair{&Fields::email, "Email", "Email"},
                                          Pair{&Fields::phone, "TelephoneNumber", "Telephone"},
                                          Pair{&Fields::mobile, "MobileNumber", "Mobile"},
                                          Pair{&Fields::fax, "FaxNumber", "Fax"},
                                          Pair{&Fields::website, "Website", "Website"}}) {
    if (!wanted(member) || (!current && (now.*member).empty())) continue;
    set_text(doc, top, now.*member, alloc);
    set_text(first_object(doc, "Contacts", alloc), contact_key, now.*member, alloc);
    changed = true;
  }
  if (now.address && wanted(&Fields::address)) {
    Value& a = address_object(doc, alloc);
    constexpr std::array<std::string_view, 6> keys{"Line1", "Line2", "Line3", "Line4", "PostCode", "CountryName"};
    for (std::size_t i = 0; i < keys.size(); ++i) set_text(a, keys[i], (*now.address)[i], alloc);
    a.RemoveMember("CountryCode");  // it would contradict a changed CountryName
    changed = true;
  }
  return changed;
}

// Writes `v` (parsed with numbers kept as text) so that members that were JSON numbers in the
// customer as read (`typed`, the same body parsed with number types) stay numbers, with their
// exact digits: the whole customer goes back as KashFlow sent it.
void write_preserving(json::Writer& w, const Value& v, const Value* typed) {
  if (v.IsObject()) {
    w.StartObject();
    for (const auto& m : v.GetObject()) {
      w.Key(m.name.GetString(), m.name.GetStringLength());
      const Value* t = nullptr;
      if (typed && typed->IsObject())
        if (auto it = typed->FindMember(m.name); it != typed->MemberEnd()) t = &it->value;
      write_preserving(w, m.value, t);
    }
    w.EndObject();
  } else if (v.IsArray()) {
    w.StartArray();
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
      write_preserving(w, v[i], typed && typed->IsArray() && i < typed->Size() ? &(*typed)[i] : nullptr);
    w.EndArray();
  } else if (v.IsString() && typed && typed->IsNumber()) {
    json::write_raw_number(w, std::string_view(v.GetString(), v.GetStringLength()));
  } else {
    v.Accept(w);
  }
}

}  // namespace

Result<model::Contact> parse_customer(const Value& e) { return parse_contact_record(e, "customer"); }

connector::Decoded<model::Contact> parse_customers(const Value& items) {
  connector::Decoded<model::Contact> out;
  json::decode_each(items, {"Code", {"Name"}}, out.unreadable, parse_customer,
                    [&](model::Contact c) { out.items.push_back(std::move(c)); });
  return out;
}

Result<model::Contact> parse_contact_record(const Value& e, std::string_view noun) {
  model::Contact c;
  c.remote_id = text(e, "Code");
  if (c.remote_id.empty()) return make_error(Errc::protocol, "a {} has no Code", noun);
  c.name = text(e, "Name");
  c.is_customer = true;
  const Value* person = first_item(e, "Contacts");
  const Value none(rapidjson::kObjectType);
  const Value& p = person ? *person : none;
  std::string email = first_text(e, {"Email"});
  if (email.empty()) email = text(p, "Email");
  std::string first = first_text(p, {"Firstname", "FirstName"}), last = text(p, "LastName");
  std::string person_name = join_name(first, last);
  if (person_name.empty()) {
    person_name = text(p, "Name");
    std::tie(first, last) = split_name(person_name);
  }
  if (!person_name.empty() && person_name == c.name) {
    c.kind = ContactKind::person;
    c.first_name = first;
    c.last_name = last;
  } else if (!person_name.empty()) {
    c.contact_person = model::ContactPerson{first, last, email};
  }
  if (!email.empty()) c.emails.push_back(email);
  for (auto [top, inner, kind] : {std::tuple{"TelephoneNumber", "Telephone", PhoneKind::main},
                                  std::tuple{"MobileNumber", "Mobile", PhoneKind::mobile},
                                  std::tuple{"FaxNumber", "Fax", PhoneKind::fax}}) {
    std::string number = text(e, top);
    if (number.empty()) number = text(p, inner);
    if (!number.empty()) c.phones.push_back(model::PhoneNumber{std::nullopt, kind, number});
  }
  c.website = text(e, "Website");
  if (c.website.empty()) c.website = text(p, "Website");
  if (const Value* a = address_of(e)) {
    model::Address address;
    address.street = json::lines(*a, {"Line1", "Line2"});
    address.city = text(*a, "Line3");
    address.state = text(*a, "Line4");
    address.zip = text(*a, "PostCode");
    address.country = first_text(*a, {"CountryName", "CountryCode"});
    if (!address.empty()) c.addresses.push_back(std::move(address));
  }
  if (json::boolean(e, "IsArchived")) c.status = model::ContactStatus::archived;
  if (auto stamp = json::text(e, "LastUpdatedDate"); stamp && !stamp->empty()) {
    auto ts = parse_time(*stamp);
    if (!ts) return ts.error().with_context(fmt::format("{} {}: LastUpdatedDate", noun, c.remote_id));
    c.updated_at = *ts;
  }
  return c;
}

Result<model::Contact> parse_customer_body(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  if (!doc->IsObject()) return Error(Errc::protocol, "the customer is not a JSON object");
  return parse_customer(*doc);
}

std::string customer_code(std::string_view name, int n) {
  std::string stem;
  for (char ch : name)
    if (std::isalnum(static_cast<unsigned char>(ch)) && static_cast<unsigned char>(ch) < 0x80 && stem.size() < 6)
      stem += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (stem.empty()) stem = "CUST";
  return fmt::format("{}{:02}", stem, n);
}

std::string customer_create_body(const model::ContactDetails& spec, std::string_view code) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  set_text(doc, "Code", code, alloc);
  apply(doc, fields_of(spec), nullptr, nullptr, alloc);
  doc.AddMember("CreateCustomerCodeIfDuplicate", true, alloc);
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  doc.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<std::optional<std::string>> customer_update_body(std::string_view current_body,
                                                        const connector::ContactUpdate& update) {
  auto doc = json::parse(current_body);
  if (!doc) return doc.error();
  if (!doc->IsObject()) return Error(Errc::protocol, "the record is not a JSON object");
  auto current = parse_contact_record(*doc, "record");
  if (!current) return current.error();
  Fields now = fields_of(update.desired), before = fields_of(connector::details_of(*current));
  std::optional<Fields> previous;
  if (update.previous) previous = fields_of(*update.previous);
  if (!apply(*doc, now, &before, previous ? &*previous : nullptr, doc->GetAllocator()))
    return std::optional<std::string>{};
  // Only which members are numbers is read from it.
  auto typed = json::parse(current_body, json::Numbers::as_numbers);
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  write_preserving(w, *doc, typed ? &*typed : nullptr);
  return std::optional<std::string>{std::string(buffer.GetString(), buffer.GetSize())};
}

}  // namespace capsync::kashflow
