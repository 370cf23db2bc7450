#include "test/sandbox/capsule_state.hpp"

#include <algorithm>

#include "test/sandbox/capsule_opportunities.hpp"
#include "test/sandbox/capsule_resthooks.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

// Gives every nested collection item an id, as Capsule does.
void assign_item_ids(CapsuleState& state, rapidjson::Value& party) {
  for (const char* key : {"addresses", "phoneNumbers", "websites", "emailAddresses", "fields"}) {
    auto it = party.FindMember(key);
    if (it == party.MemberEnd() || !it->value.IsArray()) continue;
    for (auto& item : it->value.GetArray()) {
      if (!item.IsObject()) continue;
      if (auto id = int_member(item, "id")) {
        state.next_id = std::max(state.next_id, *id + 1);
      } else {
        set_member(item, "id", rapidjson::Value(state.new_id()), state.alloc());
      }
    }
  }
}

void copy_array(CapsuleState& state, const rapidjson::Value& section, const char* key, rapidjson::Value& into) {
  into.SetArray();
  const auto* source = member(section, key);
  if (source == nullptr || !source->IsArray()) return;
  for (const auto& item : source->GetArray()) {
    into.PushBack(rapidjson::Value(item, state.alloc()), state.alloc());
    if (auto id = int_member(item, "id")) state.next_id = std::max(state.next_id, *id + 1);
  }
}

void default_member(CapsuleState& state, rapidjson::Value& party, const char* key, rapidjson::Type type) {
  if (!party.HasMember(key)) set_member(party, key, rapidjson::Value(type), state.alloc());
}

}  // namespace

std::string_view capsule_default_picture(std::string_view type) {
  return type == "organisation" ? "https://capsulecrm.com/theme/default/images/org_avatar_70.png"
                                : "https://capsulecrm.com/theme/default/images/person_avatar_70.png";
}

void complete_party_shape(CapsuleState& state, rapidjson::Value& party) {
  auto type = string_member(party, "type").value_or("person");
  std::vector<const char*> scalars = {"about", "lastContactedAt", "owner", "team", "enrichment"};
  if (type == "organisation") scalars.push_back("name");
  else scalars.insert(scalars.end(), {"title", "firstName", "lastName", "jobTitle", "organisation"});
  for (const char* key : scalars) default_member(state, party, key, rapidjson::kNullType);
  for (const char* key : {"addresses", "phoneNumbers", "websites", "emailAddresses", "fields", "tags"})
    default_member(state, party, key, rapidjson::kArrayType);
  if (!string_member(party, "pictureURL")) set_string(party, "pictureURL", capsule_default_picture(type), state.alloc());
  if (auto& owner = party["owner"]; owner.IsObject())  // a seed may name the owner by id only
    if (auto id = int_member(owner, "id"))
      if (const auto* user = state.find_by_id(state.users, *id)) owner = rapidjson::Value(*user, state.alloc());
  if (auto& team = party["team"]; team.IsObject())
    if (auto id = int_member(team, "id"))
      if (const auto* found = state.find_by_id(state.teams, *id)) team = rapidjson::Value(*found, state.alloc());
  if (type == "person" && party["organisation"].IsObject()) {
    auto& ref = party["organisation"];
    const rapidjson::Value* org = nullptr;
    if (auto id = int_member(ref, "id")) org = state.party(*id);
    if (org != nullptr) {
      rapidjson::Value nested(rapidjson::kObjectType);
      set_member(nested, "id", rapidjson::Value((*org)["id"], state.alloc()), state.alloc());
      set_member(nested, "name", rapidjson::Value((*org)["name"], state.alloc()), state.alloc());
      set_member(nested, "pictureURL", rapidjson::Value((*org)["pictureURL"], state.alloc()), state.alloc());
      ref = std::move(nested);
    }
  }
}

void CapsuleState::clear() {
  parties.clear();
  entries.clear();
  deleted.clear();
  opportunities.clear();
  deleted_opportunities.clear();
  tokens.clear();
  app_tokens.clear();
  rest_hooks.clear();
  rate.clear();
  doc.SetObject();
  doc.GetAllocator().Clear();
  definitions.SetArray();
  tags.SetArray();
  users.SetArray();
  teams.SetArray();
  pipelines.SetArray();
  milestones.SetArray();
  rate_limit_per_hour = 4000;
  next_id = 1000;
  site_subdomain = "sandbox";
  site_name = "Sandbox Account";
  accounts.clear();
  account_by_token.clear();
}

CapsuleState* CapsuleState::account_of(const std::string& token) {
  auto it = account_by_token.find(token);
  return it == account_by_token.end() ? this : it->second;
}

void CapsuleState::load_seed(const rapidjson::Value& section, TimePoint now) {
  clear();
  if (!section.IsObject()) return;
  copy_array(*this, section, "users", users);
  copy_array(*this, section, "teams", teams);
  copy_array(*this, section, "fieldDefinitions", definitions);
  copy_array(*this, section, "tags", tags);
  if (auto limit = int_member(section, "rateLimitPerHour")) rate_limit_per_hour = *limit;
  if (const auto* site = member(section, "site"); site != nullptr && site->IsObject()) {
    if (auto subdomain = string_member(*site, "subdomain")) site_subdomain = *subdomain;
    if (auto name = string_member(*site, "name")) site_name = *name;
  }
  if (const auto* list = member(section, "tokens"); list != nullptr && list->IsArray()) {
    std::int64_t default_user = users.Empty() ? 0 : int_member(users[0], "id").value_or(0);
    for (const auto& token : list->GetArray()) {
      if (token.IsString()) {
        tokens[token.GetString()] = default_user;
      } else if (auto value = string_member(token, "token")) {
        tokens[*value] = int_member(token, "userId").value_or(default_user);
        // ext: a token an app got through OAuth, never expiring.
        if (auto app = string_member(token, "clientId")) app_tokens[*value] = {*app, TimePoint::max()};
      }
    }
  }
  const std::string stamp = iso_seconds(now);
  if (const auto* list = member(section, "restHooks"); list != nullptr && list->IsArray()) {
    for (const auto& h : list->GetArray()) {
      CapsuleRestHook hook;
      hook.id = int_member(h, "id").value_or(0);
      if (hook.id == 0) hook.id = new_id();
      next_id = std::max(next_id, hook.id + 1);
      hook.event = string_member(h, "event").value_or("party/created");
      hook.target_url = string_member(h, "targetUrl").value_or("");
      hook.description = string_member(h, "description").value_or("");
      hook.client_id = string_member(h, "clientId").value_or("");
      hook.created_at = stamp;
      rest_hooks.push_back(std::move(hook));
    }
  }
  if (const auto* list = member(section, "parties"); list != nullptr && list->IsArray()) {
    for (const auto& item : list->GetArray()) {
      rapidjson::Value party(item, alloc());
      auto id = int_member(party, "id");
      if (!id) {
        id = new_id();
        set_member(party, "id", rapidjson::Value(*id), alloc());
      }
      next_id = std::max(next_id, *id + 1);
      if (!member(party, "createdAt")) set_string(party, "createdAt", stamp, alloc());
      if (!member(party, "updatedAt")) set_string(party, "updatedAt", stamp, alloc());
      assign_item_ids(*this, party);
      parties[*id] = std::move(party);
    }
    // Organisations first: a person's nested organisation copies the organisation's picture.
    for (auto& [id, party] : parties)
      if (string_member(party, "type") == "organisation") complete_party_shape(*this, party);
    for (auto& [id, party] : parties)
      if (string_member(party, "type") != "organisation") complete_party_shape(*this, party);
  }
  if (const auto* list = member(section, "entries"); list != nullptr && list->IsArray()) {
    for (const auto& item : list->GetArray()) {
      rapidjson::Value entry(item, alloc());
      auto id = int_member(entry, "id").value_or(new_id());
      set_member(entry, "id", rapidjson::Value(id), alloc());
      next_id = std::max(next_id, id + 1);
      entries[id] = std::move(entry);
    }
  }
  load_opportunity_seed(*this, section, stamp);
  if (const auto* list = member(section, "accounts"); list != nullptr && list->IsArray()) {
    for (const auto& item : list->GetArray()) {
      auto account = std::make_unique<CapsuleState>();
      account->load_seed(item, now);
      for (const auto& [token, user] : account->tokens) account_by_token[token] = account.get();
      accounts.push_back(std::move(account));
    }
  }
}

void CapsuleState::dump(JsonWriter& writer) const {
  writer.StartObject();
  writer.Key("parties");
  writer.StartArray();
  for (const auto& [id, party] : parties) party.Accept(writer);
  writer.EndArray();
  writer.Key("deleted");
  writer.StartArray();
  for (const auto& gone : deleted) {
    writer.StartObject();
    writer.Key("id");
    writer.Int64(gone.id);
    writer.Key("deletedAt");
    writer.String(iso_seconds(gone.deleted_at));
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("fieldDefinitions");
  definitions.Accept(writer);
  writer.Key("tags");
  tags.Accept(writer);
  writer.Key("users");
  users.Accept(writer);
  writer.Key("teams");
  teams.Accept(writer);
  writer.Key("entries");
  writer.StartArray();
  for (const auto& [id, entry] : entries) entry.Accept(writer);
  writer.EndArray();
  dump_opportunities(*this, writer);
  writer.Key("restHooks");
  write_rest_hooks(writer, rest_hooks);
  if (!accounts.empty()) {
    writer.Key("accounts");
    writer.StartArray();
    for (const auto& account : accounts) account->dump(writer);
    writer.EndArray();
  }
  writer.EndObject();
}

rapidjson::Value* CapsuleState::party(std::int64_t id) {
  auto it = parties.find(id);
  return it == parties.end() ? nullptr : &it->second;
}

const rapidjson::Value* CapsuleState::find_by_id(const rapidjson::Value& array, std::int64_t id) const {
  for (const auto& item : array.GetArray())
    if (int_member(item, "id") == id) return &item;
  return nullptr;
}

rapidjson::Value* CapsuleState::organisation_named(std::string_view name, std::int64_t except_id) {
  for (auto& [id, party] : parties) {
    if (id == except_id || string_member(party, "type") != "organisation") continue;
    if (string_member(party, "name") == name) return &party;
  }
  return nullptr;
}

}  // namespace capsync::sandbox
