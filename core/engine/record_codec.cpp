#include "core/engine/record_codec.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/connector/json.hpp"

namespace capsync::engine {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using Value = rapidjson::Value;

void str(Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
void opt_id(Writer& w, std::string_view key, const std::optional<std::int64_t>& id) {
  if (!id) return;
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Int64(*id);
}
void key(Writer& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }

std::string get_str(const Value& v, const char* k) {
  auto it = v.FindMember(k);
  if (it == v.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}
std::optional<std::int64_t> get_id(const Value& v, const char* k) {
  auto it = v.FindMember(k);
  if (it == v.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}
const Value* get_array(const Value& v, const char* k) {
  auto it = v.FindMember(k);
  if (it == v.MemberEnd() || !it->value.IsArray()) return nullptr;
  return &it->value;
}

void write_phones(Writer& w, const std::vector<model::PhoneNumber>& phones) {
  key(w, "phones");
  w.StartArray();
  for (const auto& p : phones) {
    w.StartObject();
    opt_id(w, "id", p.id);
    key(w, "kind");
    w.Int(static_cast<int>(p.kind));
    str(w, "number", p.number);
    w.EndObject();
  }
  w.EndArray();
}
std::vector<model::PhoneNumber> read_phones(const Value& v) {
  std::vector<model::PhoneNumber> out;
  if (const auto* a = get_array(v, "phones"))
    for (const auto& e : a->GetArray()) {
      model::PhoneNumber p;
      p.id = get_id(e, "id");
      if (auto k = get_id(e, "kind")) p.kind = static_cast<model::PhoneKind>(*k);
      p.number = get_str(e, "number");
      out.push_back(std::move(p));
    }
  return out;
}

void write_addresses(Writer& w, const std::vector<model::Address>& addresses) {
  key(w, "addresses");
  w.StartArray();
  for (const auto& a : addresses) {
    w.StartObject();
    opt_id(w, "id", a.id);
    str(w, "type", a.type);
    str(w, "street", a.street);
    str(w, "city", a.city);
    str(w, "state", a.state);
    str(w, "zip", a.zip);
    str(w, "country", a.country);
    w.EndObject();
  }
  w.EndArray();
}
std::vector<model::Address> read_addresses(const Value& v) {
  std::vector<model::Address> out;
  if (const auto* a = get_array(v, "addresses"))
    for (const auto& e : a->GetArray())
      out.push_back(model::Address{get_id(e, "id"), get_str(e, "type"), get_str(e, "street"), get_str(e, "city"),
                                   get_str(e, "state"), get_str(e, "zip"), get_str(e, "country")});
  return out;
}

void write_time(Writer& w, const std::optional<model::Timestamp>& t) {
  if (!t) return;
  key(w, "updated_at");
  w.Int64(t->time_since_epoch().count());
}
std::optional<model::Timestamp> read_time(const Value& v) {
  auto ms = get_id(v, "updated_at");
  if (!ms) return std::nullopt;
  return model::Timestamp(std::chrono::milliseconds(*ms));
}

Result<rapidjson::Document> parse(std::string_view text, std::string_view what) {
  auto d = connector::json::parse(text, connector::json::Numbers::as_numbers);
  if (!d || !d->IsObject())
    return make_error(Errc::corruption, "the stored {} record is not valid; run a full reconcile", what);
  return d;
}

}  // namespace

std::string encode_party(const model::Party& p) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  key(w, "id");
  w.Int64(p.id);
  str(w, "type", model::to_string(p.type));
  str(w, "name", p.name);
  str(w, "first_name", p.first_name);
  str(w, "last_name", p.last_name);
  str(w, "job_title", p.job_title);
  if (p.organisation) {
    key(w, "organisation");
    w.StartObject();
    key(w, "id");
    w.Int64(p.organisation->id);
    str(w, "name", p.organisation->name);
    w.EndObject();
  }
  key(w, "emails");
  w.StartArray();
  for (const auto& e : p.emails) {
    w.StartObject();
    opt_id(w, "id", e.id);
    str(w, "type", e.type);
    str(w, "address", e.address);
    w.EndObject();
  }
  w.EndArray();
  write_phones(w, p.phones);
  write_addresses(w, p.addresses);
  key(w, "websites");
  w.StartArray();
  for (const auto& s : p.websites) {
    w.StartObject();
    opt_id(w, "id", s.id);
    str(w, "service", s.service);
    str(w, "address", s.address);
    w.EndObject();
  }
  w.EndArray();
  if (p.team) {
    key(w, "team");
    w.StartObject();
    opt_id(w, "id", p.team->id);
    str(w, "name", p.team->name);
    w.EndObject();
  }
  key(w, "tags");
  w.StartArray();
  for (const auto& t : p.tags) {
    w.StartObject();
    opt_id(w, "id", t.id);
    str(w, "name", t.name);
    w.EndObject();
  }
  w.EndArray();
  key(w, "fields");
  w.StartArray();
  for (const auto& f : p.fields) {
    w.StartObject();
    opt_id(w, "id", f.id);
    key(w, "definition");
    w.Int64(f.definition_id);
    str(w, "value", f.value);
    w.EndObject();
  }
  w.EndArray();
  write_time(w, p.updated_at);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

Result<model::Party> decode_party(std::string_view text) {
  auto d = parse(text, "party");
  if (!d) return d.error();
  const Value& v = *d;
  model::Party p;
  p.id = get_id(v, "id").value_or(0);
  p.type = get_str(v, "type") == "person" ? model::PartyType::person : model::PartyType::organisation;
  p.name = get_str(v, "name");
  p.first_name = get_str(v, "first_name");
  p.last_name = get_str(v, "last_name");
  p.job_title = get_str(v, "job_title");
  if (auto it = v.FindMember("organisation"); it != v.MemberEnd() && it->value.IsObject())
    p.organisation = model::OrganisationRef{get_id(it->value, "id").value_or(0), get_str(it->value, "name")};
  if (const auto* a = get_array(v, "emails"))
    for (const auto& e : a->GetArray())
      p.emails.push_back(model::EmailAddress{get_id(e, "id"), get_str(e, "type"), get_str(e, "address")});
  p.phones = read_phones(v);
  p.addresses = read_addresses(v);
  if (const auto* a = get_array(v, "websites"))
    for (const auto& e : a->GetArray())
      p.websites.push_back(model::Website{get_id(e, "id"), get_str(e, "service"), get_str(e, "address")});
  if (auto it = v.FindMember("team"); it != v.MemberEnd() && it->value.IsObject())
    p.team = model::TeamRef{get_id(it->value, "id"), get_str(it->value, "name")};
  if (const auto* a = get_array(v, "tags"))
    for (const auto& e : a->GetArray()) p.tags.push_back(model::Tag{get_id(e, "id"), get_str(e, "name")});
  if (const auto* a = get_array(v, "fields"))
    for (const auto& e : a->GetArray())
      p.fields.push_back(
          model::CustomFieldValue{get_id(e, "id"), get_id(e, "definition").value_or(0), get_str(e, "value")});
  p.updated_at = read_time(v);
  return p;
}

std::string encode_contact(const model::Contact& c) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  str(w, "remote_id", c.remote_id);
  str(w, "kind", model::to_string(c.kind));
  str(w, "name", c.name);
  str(w, "first_name", c.first_name);
  str(w, "last_name", c.last_name);
  if (c.contact_person) {
    key(w, "contact_person");
    w.StartObject();
    str(w, "first_name", c.contact_person->first_name);
    str(w, "last_name", c.contact_person->last_name);
    str(w, "email", c.contact_person->email);
    w.EndObject();
  }
  key(w, "emails");
  w.StartArray();
  for (const auto& e : c.emails) w.String(e.data(), static_cast<rapidjson::SizeType>(e.size()));
  w.EndArray();
  write_phones(w, c.phones);
  write_addresses(w, c.addresses);
  str(w, "website", c.website);
  key(w, "customer");
  w.Bool(c.is_customer);
  key(w, "supplier");
  w.Bool(c.is_supplier);
  str(w, "status", model::to_string(c.status));
  write_time(w, c.updated_at);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

Result<model::Contact> decode_contact(std::string_view text) {
  auto d = parse(text, "contact");
  if (!d) return d.error();
  const Value& v = *d;
  model::Contact c;
  c.remote_id = get_str(v, "remote_id");
  c.kind = get_str(v, "kind") == "person" ? model::ContactKind::person : model::ContactKind::organisation;
  c.name = get_str(v, "name");
  c.first_name = get_str(v, "first_name");
  c.last_name = get_str(v, "last_name");
  if (auto it = v.FindMember("contact_person"); it != v.MemberEnd() && it->value.IsObject())
    c.contact_person = model::ContactPerson{get_str(it->value, "first_name"), get_str(it->value, "last_name"),
                                            get_str(it->value, "email")};
  if (const auto* a = get_array(v, "emails"))
    for (const auto& e : a->GetArray())
      if (e.IsString()) c.emails.emplace_back(e.GetString(), e.GetStringLength());
  c.phones = read_phones(v);
  c.addresses = read_addresses(v);
  c.website = get_str(v, "website");
  if (auto it = v.FindMember("customer"); it != v.MemberEnd() && it->value.IsBool()) c.is_customer = it->value.GetBool();
  if (auto it = v.FindMember("supplier"); it != v.MemberEnd() && it->value.IsBool()) c.is_supplier = it->value.GetBool();
  const auto status = get_str(v, "status");
  c.status = status == "archived"  ? model::ContactStatus::archived
             : status == "deleted" ? model::ContactStatus::deleted
                                   : model::ContactStatus::active;
  c.updated_at = read_time(v);
  return c;
}

std::string encode_details(const model::ContactDetails& d) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  str(w, "kind", model::to_string(d.kind));
  str(w, "name", d.name);
  str(w, "first_name", d.first_name);
  str(w, "last_name", d.last_name);
  if (d.contact_person) {
    key(w, "contact_person");
    w.StartObject();
    str(w, "first_name", d.contact_person->first_name);
    str(w, "last_name", d.contact_person->last_name);
    str(w, "email", d.contact_person->email);
    w.EndObject();
  }
  str(w, "email", d.email);
  str(w, "phone", d.phone);
  str(w, "mobile", d.mobile);
  str(w, "fax", d.fax);
  str(w, "website", d.website);
  std::vector<model::Address> addresses;
  if (d.address) addresses.push_back(*d.address);
  write_addresses(w, addresses);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

Result<model::ContactDetails> decode_details(std::string_view text) {
  auto doc = parse(text, "contact details");
  if (!doc) return doc.error();
  const Value& v = *doc;
  model::ContactDetails d;
  d.kind = get_str(v, "kind") == "person" ? model::ContactKind::person : model::ContactKind::organisation;
  d.name = get_str(v, "name");
  d.first_name = get_str(v, "first_name");
  d.last_name = get_str(v, "last_name");
  if (auto it = v.FindMember("contact_person"); it != v.MemberEnd() && it->value.IsObject())
    d.contact_person = model::ContactPerson{get_str(it->value, "first_name"), get_str(it->value, "last_name"),
                                            get_str(it->value, "email")};
  d.email = get_str(v, "email");
  d.phone = get_str(v, "phone");
  d.mobile = get_str(v, "mobile");
  d.fax = get_str(v, "fax");
  d.website = get_str(v, "website");
  auto addresses = read_addresses(v);
  if (!addresses.empty()) d.address = std::move(addresses.front());
  return d;
}

}  // namespace capsync::engine
