#include "test/sandbox/capsule_party_write.hpp"

#include <charconv>

#include <fmt/format.h>

#include "test/sandbox/capsule_countries.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

using rapidjson::Value;

std::optional<std::int64_t> definition_id_of(const Value& row) {
  const Value* definition = member(row, "definition");
  return definition != nullptr ? int_member(*definition, "id") : std::nullopt;
}

struct Writer {
  CapsuleState& state;
  Value& party;
  bool creating;
  std::vector<CapsuleFieldError> errors;

  Alloc& alloc() { return state.alloc(); }
  void fail(std::string resource, std::string field, std::string message) {
    errors.push_back({std::move(resource), std::move(field), std::move(message)});
  }
  std::string type() const { return string_member(party, "type").value_or(""); }
  // Seeded parties may lack a collection; writes create it.
  Value& array_member(const char* key) {
    if (!party.HasMember(key) || !party[key].IsArray()) set_member(party, key, Value(rapidjson::kArrayType), alloc());
    return party[key];
  }

  void scalars(const Value& input) {
    std::vector<const char*> keys = {"about"};
    if (type() == "person") keys.insert(keys.end(), {"firstName", "lastName", "title", "jobTitle"});
    else keys.push_back("name");
    for (const char* key : keys) {
      const Value* v = member(input, key);
      if (v == nullptr) continue;
      if (v->IsNull()) set_member(party, key, Value(), alloc());
      else if (v->IsString()) set_member(party, key, Value(*v, alloc()), alloc());
      else fail("party", key, "invalid type");
    }
  }

  void nested_party(const Value& input) {
    const Value* org = member(input, "organisation");
    if (org == nullptr || type() != "person") return;
    if (org->IsNull()) {
      set_member(party, "organisation", Value(), alloc());
      return;
    }
    Value* target = nullptr;
    if (auto id = int_member(*org, "id")) {
      target = state.party(*id);
      if (target == nullptr || string_member(*target, "type") != "organisation") {
        fail("party", "organisation", "organisation not found");
        return;
      }
    } else if (auto name = string_member(*org, "name"); name && !name->empty()) {
      target = state.organisation_named(*name);
      if (target == nullptr) {  // Capsule creates the organisation on the fly
        std::int64_t org_id = state.new_id();
        Value created(rapidjson::kObjectType);
        set_member(created, "id", Value(org_id), alloc());
        set_string(created, "type", "organisation", alloc());
        set_string(created, "name", *name, alloc());
        auto stamp = string_member(party, "updatedAt").value_or("");
        for (const char* key : {"createdAt", "updatedAt"}) set_string(created, key, stamp, alloc());
        complete_party_shape(state, created);
        target = &(state.parties[org_id] = std::move(created));
      }
    } else {
      fail("party", "organisation", "organisation needs an id or a name");
      return;
    }
    Value ref(rapidjson::kObjectType);
    set_member(ref, "id", Value(*int_member(*target, "id")), alloc());
    set_member(ref, "name", Value((*target)["name"], alloc()), alloc());
    set_member(ref, "pictureURL", Value((*target)["pictureURL"], alloc()), alloc());
    set_member(party, "organisation", std::move(ref), alloc());
  }

  void owner_team(const Value& input) {
    const Value* owner = member(input, "owner");
    const Value* team = member(input, "team");
    auto resolve = [&](const Value* given, const Value& table, const char* key) {
      if (given->IsNull()) {
        set_member(party, key, Value(), alloc());
        return;
      }
      auto id = int_member(*given, "id");
      const Value* found = id ? state.find_by_id(table, *id) : nullptr;
      if (found == nullptr) return fail("party", key, fmt::format("{} not found", key));
      set_member(party, key, Value(*found, alloc()), alloc());
    };
    if (owner != nullptr) resolve(owner, state.users, "owner");
    if (team != nullptr) resolve(team, state.teams, "team");
    // Live probes report that owner without team clears the team on update.
    if (owner != nullptr && team == nullptr && !creating) set_member(party, "team", Value(), alloc());
  }

  // Checks an address/phone/email/website item; returns false after recording an error.
  bool valid_item(const char* key, Value& item) {
    std::string_view k = key;
    if (k == "addresses") {
      if (auto country = string_member(item, "country")) {
        if (country->empty()) set_member(item, "country", Value(), alloc());
        else if (!is_capsule_country(*country)) return fail("address", "country", "unknown country"), false;
      }
    } else if (k == "emailAddresses") {
      if (!string_member(item, "address")) return fail("emailAddress", "address", "address is required"), false;
    } else if (k == "phoneNumbers") {
      if (!string_member(item, "number")) return fail("phoneNumber", "number", "number is required"), false;
    } else if (k == "websites") {
      auto address = string_member(item, "address");
      if (!address) return fail("website", "address", "address is required"), false;
      if (!member(item, "service")) set_string(item, "service", "URL", alloc());
      set_string(item, "url", address->starts_with("http") ? *address : "http://" + *address, alloc());
    }
    return true;
  }

  Value blank_item(const char* key) {
    Value item(rapidjson::kObjectType);
    set_member(item, "id", Value(state.new_id()), alloc());
    set_member(item, "type", Value(), alloc());
    std::string_view k = key;
    if (k == "addresses")
      for (const char* f : {"city", "country", "street", "state", "zip"}) set_member(item, f, Value(), alloc());
    return item;
  }

  void collection(const Value& input, const char* key) {
    const Value* given = member(input, key);
    if (given == nullptr) return;
    if (!given->IsArray()) return fail("party", key, "must be an array");
    Value& list = array_member(key);
    for (const auto& change : given->GetArray()) {
      if (!change.IsObject()) {
        fail("party", key, "items must be objects");
        continue;
      }
      Value* existing = nullptr;
      if (auto id = int_member(change, "id")) {
        for (auto& item : list.GetArray())
          if (int_member(item, "id") == id) existing = &item;
        if (existing == nullptr) continue;  // unknown ids are ignored
        if (bool_member(change, "_delete") == true) {
          for (auto it = list.Begin(); it != list.End(); ++it)
            if (&*it == existing) {
              list.Erase(it);
              break;
            }
          continue;
        }
      }
      Value item = existing != nullptr ? Value(*existing, alloc()) : blank_item(key);
      for (const auto& m : change.GetObject()) {
        std::string_view name(m.name.GetString(), m.name.GetStringLength());
        if (name == "id" || name == "_delete" || name == "_destroy") continue;
        set_member(item, name, Value(m.value, alloc()), alloc());
      }
      if (!valid_item(key, item)) continue;
      if (existing != nullptr) *existing = std::move(item);
      else list.PushBack(item, alloc());
    }
  }

  // Returns the stored text for a custom field value, or nullopt after recording an error.
  // An empty optional inside means "remove the row" (null, or boolean false).
  std::optional<std::optional<Value>> field_value(const Value& definition, const Value& value) {
    auto type = string_member(definition, "type").value_or("text");
    auto invalid = [&] {
      fail("field", "value", "invalid type for field");
      return std::optional<std::optional<Value>>{};
    };
    if (type == "boolean") {
      if (!value.IsBool()) return invalid();
      if (!value.GetBool()) return std::optional<Value>{};
      return std::optional<Value>(Value(true));
    }
    if (value.IsNull()) return std::optional<Value>{};
    if (type == "number") {
      std::string text;
      if (value.IsInt64()) text = std::to_string(value.GetInt64());
      else if (value.IsString()) text = value.GetString();
      else if (value.IsNumber()) text = fmt::format("{}", value.GetDouble());
      else return invalid();
      double parsed = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
      if (ec != std::errc{} || ptr != text.data() + text.size()) return invalid();
      return std::optional<Value>(Value(text.c_str(), alloc()));
    }
    if (!value.IsString()) return invalid();
    if (type == "list") {
      bool known = false;
      if (const auto* options = member(definition, "options"); options && options->IsArray())
        for (const auto& option : options->GetArray()) known = known || option == value;
      if (!known) return invalid();
    }
    if (type == "date" && !parse_time(value.GetString())) return invalid();
    return std::optional<Value>(Value(value, alloc()));
  }

  void fields(const Value& input) {
    const Value* given = member(input, "fields");
    if (given == nullptr) return;
    if (!given->IsArray()) return fail("party", "fields", "must be an array");
    Value& rows = array_member("fields");
    auto erase_row = [&](const Value* row) {
      for (auto it = rows.Begin(); it != rows.End(); ++it)
        if (&*it == row) return void(rows.Erase(it));
    };
    for (const auto& change : given->GetArray()) {
      Value* row = nullptr;
      if (auto id = int_member(change, "id")) {
        for (auto& r : rows.GetArray())
          if (int_member(r, "id") == id) row = &r;
        if (row == nullptr) continue;
        if (bool_member(change, "_delete") == true) {
          erase_row(row);
          continue;
        }
      }
      std::optional<std::int64_t> definition_id;
      if (const auto* d = member(change, "definition")) definition_id = int_member(*d, "id");
      if (!definition_id && row != nullptr) definition_id = definition_id_of(*row);
      const Value* definition = definition_id ? state.find_by_id(state.definitions, *definition_id) : nullptr;
      if (definition == nullptr) {
        fail("field", "definition", "definition not found");
        continue;
      }
      if (auto rule = string_member(*definition, "captureRule"); rule && *rule != type()) {
        fail("field", "definition", fmt::format("field only applies to {}", *rule));
        continue;
      }
      if (row == nullptr)  // one value per definition: a row without id updates the existing one
        for (auto& r : rows.GetArray())
          if (definition_id_of(r) == definition_id) row = &r;
      const Value* value = member(change, "value");
      if (value == nullptr) continue;
      auto stored = field_value(*definition, *value);
      if (!stored) continue;
      if (!*stored) {
        if (row != nullptr) erase_row(row);
        continue;
      }
      if (row != nullptr) {
        set_member(*row, "value", std::move(**stored), alloc());
        continue;
      }
      Value fresh(rapidjson::kObjectType);
      set_member(fresh, "id", Value(state.new_id()), alloc());
      Value def(rapidjson::kObjectType);
      set_member(def, "id", Value(*definition_id), alloc());
      set_member(def, "name", Value((*definition)["name"], alloc()), alloc());
      set_member(fresh, "definition", std::move(def), alloc());
      set_member(fresh, "value", std::move(**stored), alloc());
      if (const auto* tag = member(*definition, "tag"); tag && tag->IsObject())
        set_member(fresh, "tagId", Value(int_member(*tag, "id").value_or(0)), alloc());
      rows.PushBack(fresh, alloc());
    }
  }

  void tag_list(const Value& input) {
    const Value* given = member(input, "tags");
    if (given == nullptr) return;
    if (!given->IsArray()) return fail("party", "tags", "must be an array");
    Value& on_party = array_member("tags");
    auto position = [&](std::int64_t id) {
      for (rapidjson::SizeType i = 0; i < on_party.Size(); ++i)
        if (int_member(on_party[i], "id") == id) return static_cast<int>(i);
      return -1;
    };
    for (const auto& change : given->GetArray()) {
      const Value* tag = nullptr;
      if (auto id = int_member(change, "id")) {
        if (bool_member(change, "_delete") == true) {
          int at = position(*id);
          if (at < 0) fail("tag", "id", "tag not found to delete");
          else on_party.Erase(on_party.Begin() + at);
          continue;
        }
        tag = state.find_by_id(state.tags, *id);
        if (tag == nullptr) {
          fail("tag", "id", "tag not found");
          continue;
        }
      } else if (auto name = string_member(change, "name")) {
        for (const auto& t : state.tags.GetArray())
          if (string_member(t, "name") == name) tag = &t;
        if (tag == nullptr) {
          Value created(rapidjson::kObjectType);
          set_member(created, "id", Value(state.new_id()), alloc());
          set_string(created, "name", *name, alloc());
          set_member(created, "dataTag", Value(false), alloc());
          state.tags.PushBack(created, alloc());
          tag = &state.tags[state.tags.Size() - 1];
        }
      } else {
        fail("tag", "name", "tag needs an id or a name");
        continue;
      }
      if (position(*int_member(*tag, "id")) < 0) on_party.PushBack(Value(*tag, alloc()), alloc());
    }
  }

  void apply(const Value& input) {
    scalars(input);
    nested_party(input);
    owner_team(input);
    for (const char* key : {"addresses", "phoneNumbers", "websites", "emailAddresses"}) collection(input, key);
    fields(input);
    tag_list(input);
    if (type() == "organisation") {
      auto name = string_member(party, "name").value_or("");
      if (name.empty()) fail("party", "name", "name is required");
      // Only a name being set can clash (every stored organisation's name is unique), which
      // spares summary-only writes a scan of every party.
      else if ((creating || member(input, "name") != nullptr) &&
               state.organisation_named(name, int_member(party, "id").value_or(0)))
        fail("party", "name", "name already exists");
    } else if (string_member(party, "firstName").value_or("").empty() &&
               string_member(party, "lastName").value_or("").empty()) {
      fail("party", "lastName", "firstName or lastName is required");
    }
  }
};

Value new_party_shell(CapsuleState& state, std::string_view type, std::int64_t id, TimePoint now,
                      std::int64_t acting_user) {
  auto& alloc = state.alloc();
  Value party(rapidjson::kObjectType);
  set_member(party, "id", Value(id), alloc);
  set_string(party, "type", type, alloc);
  if (type == "person") {
    for (const char* key : {"title", "firstName", "lastName", "jobTitle", "organisation"})
      set_member(party, key, Value(), alloc);
  } else {
    set_member(party, "name", Value(), alloc);
  }
  set_member(party, "about", Value(), alloc);
  std::string stamp = iso_seconds(now);
  set_string(party, "createdAt", stamp, alloc);
  set_string(party, "updatedAt", stamp, alloc);
  set_member(party, "lastContactedAt", Value(), alloc);
  const Value* owner = state.find_by_id(state.users, acting_user);
  set_member(party, "owner", owner ? Value(*owner, alloc) : Value(), alloc);
  set_member(party, "team", Value(), alloc);
  set_string(party, "pictureURL", capsule_default_picture(type), alloc);
  set_member(party, "enrichment", Value(), alloc);  // undocumented, but on every recorded party
  for (const char* key : {"addresses", "phoneNumbers", "websites", "emailAddresses", "fields", "tags"})
    set_member(party, key, Value(rapidjson::kArrayType), alloc);
  return party;
}

}  // namespace

std::string CapsuleWriteError::to_json() const {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("message");
  writer.String(message);
  if (!errors.empty()) {
    writer.Key("errors");
    writer.StartArray();
    for (const auto& e : errors) {
      writer.StartObject();
      writer.Key("resource");
      writer.String(e.resource);
      writer.Key("field");
      writer.String(e.field);
      writer.Key("message");
      writer.String(e.message);
      writer.EndObject();
    }
    writer.EndArray();
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::int64_t create_party(CapsuleState& state, const Value& input, TimePoint now, std::int64_t acting_user,
                          std::optional<CapsuleWriteError>& error) {
  auto type = string_member(input, "type");
  if (!input.IsObject() || !type || (*type != "person" && *type != "organisation")) {
    error = CapsuleWriteError{422, "Validation Failed", {{"party", "type", "type is required"}}};
    return 0;
  }
  std::int64_t id = state.new_id();
  Value party = new_party_shell(state, *type, id, now, acting_user);
  Writer writer{state, party, true, {}};
  writer.apply(input);
  if (!writer.errors.empty()) {
    error = CapsuleWriteError{422, "Validation Failed", std::move(writer.errors)};
    return 0;
  }
  state.parties[id] = std::move(party);
  return id;
}

std::optional<CapsuleWriteError> update_party(CapsuleState& state, std::int64_t id, const Value& input,
                                              TimePoint now) {
  Value* current = state.party(id);
  if (current == nullptr) return CapsuleWriteError{404, "Could not find resource", {}};
  if (!input.IsObject()) return CapsuleWriteError{400, "party must be an object", {}};
  Value draft(*current, state.alloc());
  Writer writer{state, draft, false, {}};
  writer.apply(input);
  if (!writer.errors.empty()) return CapsuleWriteError{422, "Validation Failed", std::move(writer.errors)};
  if (to_json(draft) == to_json(*current)) return std::nullopt;
  set_string(draft, "updatedAt", iso_seconds(now), state.alloc());
  bool renamed = string_member(draft, "type") == "organisation" && draft["name"] != (*current)["name"];
  *current = std::move(draft);
  if (renamed) {  // people show their organisation's name
    for (auto& [other_id, other] : state.parties) {
      Value* org = other.IsObject() && other.HasMember("organisation") ? &other["organisation"] : nullptr;
      if (org != nullptr && org->IsObject() && int_member(*org, "id") == id)
        set_member(*org, "name", Value((*current)["name"], state.alloc()), state.alloc());
    }
  }
  return std::nullopt;
}

}  // namespace capsync::sandbox
