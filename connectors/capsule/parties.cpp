#include "connectors/capsule/parties.hpp"

#include <algorithm>
#include <set>

#include "core/connector/json.hpp"

namespace capsync::capsule {

namespace json = connector::json;
using model::PhoneKind;

namespace {

using Value = rapidjson::Value;

std::optional<model::CapsuleItemId> item_id(const Value& v) {
  auto id = json::text(v, "id");
  return id ? json::to_int64(*id) : std::nullopt;
}

std::string str(const Value& v, std::string_view key) { return std::string(json::text_or_empty(v, key)); }

PhoneKind phone_kind(std::string_view type) {
  if (type.empty() || type == "Work") return PhoneKind::main;
  if (type == "Mobile") return PhoneKind::mobile;
  if (type == "Fax") return PhoneKind::fax;
  if (type == "Direct") return PhoneKind::direct;
  if (type == "Home") return PhoneKind::home;
  return PhoneKind::other;
}

std::string_view phone_type(PhoneKind kind) {
  switch (kind) {
    case PhoneKind::main: return "Work";
    case PhoneKind::mobile: return "Mobile";
    case PhoneKind::fax: return "Fax";
    case PhoneKind::direct: return "Direct";
    case PhoneKind::home: return "Home";
    case PhoneKind::other: break;
  }
  return {};
}

// A field value as text: numbers arrive as strings already; booleans become "true"/"false".
std::optional<std::string> field_value(const Value& v) {
  auto it = v.FindMember("value");
  if (it == v.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (it->value.IsBool()) return std::string(it->value.GetBool() ? "true" : "false");
  if (it->value.IsString()) return std::string(it->value.GetString(), it->value.GetStringLength());
  return std::nullopt;
}

template <typename T, typename F>
Status each(const Value& party, std::string_view key, std::vector<T>& out, F convert) {
  if (const auto* list = json::array(party, key))
    for (const auto& item : list->GetArray()) out.push_back(convert(item));
  return {};
}

}  // namespace

Result<model::Party> parse_party(const Value& p) {
  model::Party party;
  auto id = json::integer(p, "id");
  if (!id) return id.error();
  if (!*id) return Error(Errc::protocol, "a party has no id");
  party.id = **id;
  auto fail = [&](std::string_view why) {
    return make_error(Errc::protocol, "party {}: {}", party.id, why);
  };
  std::string_view type = json::text_or_empty(p, "type");
  if (type == "person")
    party.type = model::PartyType::person;
  else if (type == "organisation")
    party.type = model::PartyType::organisation;
  else
    return fail(fmt::format("unknown type '{}'", type));
  party.name = str(p, "name");
  party.first_name = str(p, "firstName");
  party.last_name = str(p, "lastName");
  party.job_title = str(p, "jobTitle");
  if (const auto* org = json::object(p, "organisation")) {
    auto org_id = json::integer(*org, "id");
    if (org_id && *org_id) party.organisation = model::OrganisationRef{**org_id, str(*org, "name")};
  }
  (void)each(p, "emailAddresses", party.emails, [](const Value& v) {
    return model::EmailAddress{item_id(v), str(v, "type"), str(v, "address")};
  });
  (void)each(p, "phoneNumbers", party.phones, [](const Value& v) {
    return model::PhoneNumber{item_id(v), phone_kind(json::text_or_empty(v, "type")), str(v, "number")};
  });
  (void)each(p, "addresses", party.addresses, [](const Value& v) {
    return model::Address{item_id(v), str(v, "type"), str(v, "street"), str(v, "city"),
                          str(v, "state"), str(v, "zip"), str(v, "country")};
  });
  (void)each(p, "websites", party.websites, [](const Value& v) {
    std::string service = str(v, "service");
    return model::Website{item_id(v), service.empty() ? "URL" : service, str(v, "address")};
  });
  if (const auto* team = json::object(p, "team")) {
    auto team_id = json::integer(*team, "id");
    party.team = model::TeamRef{team_id ? *team_id : std::nullopt, str(*team, "name")};
  }
  (void)each(p, "tags", party.tags, [](const Value& v) { return model::Tag{item_id(v), str(v, "name")}; });
  if (const auto* fields = json::array(p, "fields")) {
    for (const auto& f : fields->GetArray()) {
      const auto* def = json::object(f, "definition");
      auto def_id = def ? json::integer(*def, "id") : Result<std::optional<std::int64_t>>(std::optional<std::int64_t>{});
      if (!def_id || !*def_id) return fail("a custom field value has no definition id");
      auto value = field_value(f);
      if (!value) continue;  // cleared values (and false booleans) read as absent
      party.fields.push_back(model::CustomFieldValue{item_id(f), **def_id, std::move(*value)});
    }
  }
  if (auto updated = json::text(p, "updatedAt"); updated && !updated->empty()) {
    auto ts = model::parse_timestamp(*updated);
    if (!ts) return fail(fmt::format("updatedAt '{}' is not a time", *updated));
    party.updated_at = *ts;
  }
  return party;
}

Result<model::Party> parse_party_body(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* p = json::object(*doc, "party");
  if (!p) return Error(Errc::protocol, "no \"party\" object in the response");
  if (auto bad = json::invalid_utf8(*p))
    return make_error(Errc::protocol, "party {}: {}", json::text_or_empty(*p, "id"), *bad);
  return parse_party(*p);
}

Result<PartiesPage> parse_parties_body(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, "parties");
  if (!list) {
    // GET /parties/{a},{b} with one id answers {"party":{…}}.
    if (json::object(*doc, "party") == nullptr) return Error(Errc::protocol, "no \"parties\" array in the response");
    auto p = parse_party_body(body);
    if (!p) return p.error();
    return PartiesPage{{std::move(*p)}, {}};
  }
  PartiesPage out;
  json::decode_each(*list, {"id", {"name", "firstName", "lastName"}}, out.unreadable, parse_party,
                    [&](model::Party p) { out.parties.push_back(std::move(p)); });
  return out;
}

Result<std::vector<connector::DeletedParty>> parse_deleted_body(std::string_view body, std::string_view list_key) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, list_key);
  if (!list) return make_error(Errc::protocol, "no \"{}\" array in the deleted-records response", list_key);
  std::vector<connector::DeletedParty> out;
  for (const auto& v : list->GetArray()) {
    auto id = json::integer(v, "id");
    if (!id || !*id) return Error(Errc::protocol, "a deleted record has no id");
    connector::DeletedParty gone{**id, std::nullopt};
    if (auto at = json::text(v, "deletedAt"); at && !at->empty()) {
      auto ts = model::parse_timestamp(*at);
      if (!ts) return make_error(Errc::protocol, "deletedAt '{}' is not a time", *at);
      gone.deleted_at = *ts;
    }
    out.push_back(gone);
  }
  return out;
}

namespace {

void key(json::Writer& w, std::string_view k) { json::write_key(w, k); }
void kv(json::Writer& w, std::string_view k, std::string_view v) {
  key(w, k);
  json::write_string(w, v);
}
// Empty text is written as null: Capsule stores "" as null anyway and refuses "" countries.
void kv_or_null(json::Writer& w, std::string_view k, std::string_view v) {
  key(w, k);
  if (v.empty())
    w.Null();
  else
    json::write_string(w, v);
}

void write_item(json::Writer& w, const model::EmailAddress& e) {
  kv_or_null(w, "type", e.type);
  kv(w, "address", e.address);
}
void write_item(json::Writer& w, const model::PhoneNumber& p) {
  kv_or_null(w, "type", phone_type(p.kind));
  kv(w, "number", p.number);
}
void write_item(json::Writer& w, const model::Address& a) {
  kv_or_null(w, "type", a.type);
  kv_or_null(w, "street", a.street);
  kv_or_null(w, "city", a.city);
  kv_or_null(w, "state", a.state);
  kv_or_null(w, "zip", a.zip);
  kv_or_null(w, "country", a.country);
}
void write_item(json::Writer& w, const model::Website& s) {
  kv(w, "service", s.service.empty() ? "URL" : s.service);
  kv(w, "address", s.address);
}

template <typename T>
bool same_item(const T& a, const T& b) {
  T x = a, y = b;
  x.id.reset();
  y.id.reset();
  return x == y;
}

template <typename T>
void write_new_items(json::Writer& w, std::string_view k, const std::vector<T>& items) {
  if (items.empty()) return;
  key(w, k);
  w.StartArray();
  for (const auto& item : items) {
    w.StartObject();
    write_item(w, item);
    w.EndObject();
  }
  w.EndArray();
}

// Writes the changes that turn `current` into `desired`; returns whether anything was written.
template <typename T>
bool write_diff(json::Writer& w, std::string_view k, const std::vector<T>& current,
                const std::vector<T>& desired) {
  std::vector<const T*> updates, adds;
  std::set<model::CapsuleItemId> kept;
  for (const auto& d : desired) {
    const T* match = nullptr;
    if (d.id)
      for (const auto& c : current)
        if (c.id == d.id) match = &c;
    if (!match) {
      adds.push_back(&d);  // new, or its id is gone from Capsule: add it again
      continue;
    }
    kept.insert(*d.id);
    if (!same_item(*match, d)) updates.push_back(&d);
  }
  std::vector<model::CapsuleItemId> deletes;
  for (const auto& c : current)
    if (c.id && !kept.contains(*c.id)) deletes.push_back(*c.id);
  if (updates.empty() && adds.empty() && deletes.empty()) return false;
  key(w, k);
  w.StartArray();
  // Deletes first, so a replaced item never exists twice.
  for (auto id : deletes) {
    w.StartObject();
    key(w, "id");
    w.Int64(id);
    key(w, "_delete");
    w.Bool(true);
    w.EndObject();
  }
  for (const T* u : updates) {
    w.StartObject();
    key(w, "id");
    w.Int64(*u->id);
    write_item(w, *u);
    w.EndObject();
  }
  for (const T* a : adds) {
    w.StartObject();
    write_item(w, *a);
    w.EndObject();
  }
  w.EndArray();
  return true;
}

Status write_team(json::Writer& w, const model::TeamRef& team) {
  if (!team.id)
    return make_error(Errc::invalid_argument, "team '{}' has no Capsule id; resolve it first", team.name);
  key(w, "team");
  w.StartObject();
  key(w, "id");
  w.Int64(*team.id);
  w.EndObject();
  return {};
}

}  // namespace

Result<std::string> party_create_body(const model::PartySpec& spec) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  key(w, "party");
  w.StartObject();
  if (spec.type == model::PartyType::person) {
    kv(w, "type", "person");
    kv(w, "firstName", spec.first_name);
    kv(w, "lastName", spec.last_name);
  } else {
    kv(w, "type", "organisation");
    kv(w, "name", spec.name);
  }
  write_new_items(w, "emailAddresses", spec.emails);
  write_new_items(w, "phoneNumbers", spec.phones);
  write_new_items(w, "addresses", spec.addresses);
  write_new_items(w, "websites", spec.websites);
  if (!spec.fields.empty()) {
    key(w, "fields");
    w.StartArray();
    for (const auto& f : spec.fields) {
      w.StartObject();
      key(w, "definition");
      w.StartObject();
      key(w, "id");
      w.Int64(f.definition_id);
      w.EndObject();
      kv(w, "value", f.value);
      w.EndObject();
    }
    w.EndArray();
  }
  if (!spec.tags.empty()) {
    key(w, "tags");
    w.StartArray();
    for (const auto& name : spec.tags) {
      w.StartObject();
      kv(w, "name", name);
      w.EndObject();
    }
    w.EndArray();
  }
  key(w, "owner");
  w.Null();
  if (spec.team) {
    if (auto st = write_team(w, *spec.team); !st) return st.error();
  }
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<std::optional<std::string>> party_update_body(const model::Party& current,
                                                     const connector::PartyPatch& patch) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  bool changed = false;
  w.StartObject();
  key(w, "party");
  w.StartObject();
  auto text = [&](std::string_view k, const std::optional<std::string>& want, const std::string& have) {
    if (want && *want != have) {
      kv(w, k, *want);
      changed = true;
    }
  };
  if (current.type == model::PartyType::organisation) {
    text("name", patch.name, current.name);
  } else {
    text("firstName", patch.first_name, current.first_name);
    text("lastName", patch.last_name, current.last_name);
  }
  if (patch.emails) changed |= write_diff(w, "emailAddresses", current.emails, *patch.emails);
  if (patch.phones) changed |= write_diff(w, "phoneNumbers", current.phones, *patch.phones);
  if (patch.addresses) changed |= write_diff(w, "addresses", current.addresses, *patch.addresses);
  if (patch.websites) changed |= write_diff(w, "websites", current.websites, *patch.websites);

  // Custom fields: update the existing value row in place, delete it to clear.
  std::vector<std::pair<const model::CustomFieldValue*, const model::CustomFieldValue*>> fields;
  for (const auto& want : patch.set_fields) {
    const auto* have = current.field(want.definition_id);
    if (want.value.empty() ? (have == nullptr || !have->id) : (have && have->value == want.value)) continue;
    fields.emplace_back(&want, have);
  }
  if (!fields.empty()) {
    key(w, "fields");
    w.StartArray();
    for (auto [want, have] : fields) {
      w.StartObject();
      if (have && have->id) {
        key(w, "id");
        w.Int64(*have->id);
      }
      if (want->value.empty()) {
        key(w, "_delete");
        w.Bool(true);
      } else {
        key(w, "definition");
        w.StartObject();
        key(w, "id");
        w.Int64(want->definition_id);
        w.EndObject();
        kv(w, "value", want->value);
      }
      w.EndObject();
    }
    w.EndArray();
    changed = true;
  }

  std::vector<std::string_view> add;
  for (const auto& name : patch.add_tags)
    if (!current.has_tag(name) && std::find(add.begin(), add.end(), name) == add.end()) add.push_back(name);
  std::vector<model::CapsuleItemId> remove;
  for (const auto& name : patch.remove_tags)
    for (const auto& tag : current.tags)
      if (tag.name == name && tag.id) remove.push_back(*tag.id);
  if (!add.empty() || !remove.empty()) {
    key(w, "tags");
    w.StartArray();
    for (auto id : remove) {
      w.StartObject();
      key(w, "id");
      w.Int64(id);
      key(w, "_delete");
      w.Bool(true);
      w.EndObject();
    }
    for (auto name : add) {
      w.StartObject();
      kv(w, "name", name);
      w.EndObject();
    }
    w.EndArray();
    changed = true;
  }
  if (patch.team && (!current.team || current.team->id != patch.team->id)) {
    if (auto st = write_team(w, *patch.team); !st) return st.error();
    changed = true;
  }
  w.EndObject();
  w.EndObject();
  if (!changed) return std::optional<std::string>{};
  return std::optional<std::string>{std::string(buffer.GetString(), buffer.GetSize())};
}

}  // namespace capsync::capsule
