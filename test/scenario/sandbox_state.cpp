// SandboxState (sync_world.hpp): lookups in the sandbox's /_admin/state.
#include <stdexcept>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "test/scenario/sync_world.hpp"

namespace capsync::scenario {

SandboxState::SandboxState(const std::string& json) {
  doc_.Parse(json.data(), json.size());
  if (doc_.HasParseError()) throw std::runtime_error("sandbox state is not JSON: " + json.substr(0, 300));
}

namespace {
const rapidjson::Value& array_at(const rapidjson::Document& doc, const char* provider, const char* key) {
  static const rapidjson::Value empty(rapidjson::kArrayType);
  auto p = doc.FindMember(provider);
  if (p == doc.MemberEnd()) return empty;
  auto a = p->value.FindMember(key);
  return a != p->value.MemberEnd() && a->value.IsArray() ? a->value : empty;
}
}  // namespace

const rapidjson::Value& SandboxState::parties() const { return array_at(doc_, "capsule", "parties"); }
const rapidjson::Value& SandboxState::contacts() const { return array_at(doc_, "xero", "contacts"); }
const rapidjson::Value& SandboxState::invoices() const { return array_at(doc_, "xero", "invoices"); }
const rapidjson::Value& SandboxState::entries() const { return array_at(doc_, "capsule", "entries"); }

const rapidjson::Value* SandboxState::party(std::int64_t id) const {
  for (const auto& p : parties().GetArray())
    if (p["id"].GetInt64() == id) return &p;
  return nullptr;
}

std::string SandboxState::party_name(const rapidjson::Value& party) {
  if (text_of(party, "type") == "organisation") return text_of(party, "name");
  const std::string first = text_of(party, "firstName"), last = text_of(party, "lastName");
  return first.empty() ? last : last.empty() ? first : first + " " + last;
}

std::vector<const rapidjson::Value*> SandboxState::parties_named(std::string_view name) const {
  std::vector<const rapidjson::Value*> out;
  for (const auto& p : parties().GetArray())
    if (party_name(p) == name) out.push_back(&p);
  return out;
}

const rapidjson::Value* SandboxState::party_named(std::string_view name) const {
  auto all = parties_named(name);
  return all.size() == 1 ? all.front() : nullptr;
}

const rapidjson::Value* SandboxState::contact(std::string_view contact_id) const {
  for (const auto& c : contacts().GetArray())
    if (text_of(c, "ContactID") == contact_id) return &c;
  return nullptr;
}

std::vector<const rapidjson::Value*> SandboxState::contacts_named(std::string_view name) const {
  std::vector<const rapidjson::Value*> out;
  for (const auto& c : contacts().GetArray())
    if (text_of(c, "Name") == name) out.push_back(&c);
  return out;
}

const rapidjson::Value* SandboxState::contact_named(std::string_view name) const {
  auto all = contacts_named(name);
  return all.size() == 1 ? all.front() : nullptr;
}

std::vector<const rapidjson::Value*> SandboxState::notes_of(std::int64_t party_id) const {
  std::vector<const rapidjson::Value*> out;
  for (const auto& e : entries().GetArray()) {
    auto p = e.FindMember("party");
    if (p != e.MemberEnd() && p->value.IsObject() && p->value.HasMember("id") && p->value["id"].GetInt64() == party_id)
      out.push_back(&e);
  }
  return out;
}

bool SandboxState::has_tag(const rapidjson::Value& party, std::string_view tag) {
  auto tags = party.FindMember("tags");
  if (tags == party.MemberEnd() || !tags->value.IsArray()) return false;
  for (const auto& t : tags->value.GetArray())
    if (text_of(t, "name") == tag) return true;
  return false;
}

std::optional<std::string> SandboxState::field(const rapidjson::Value& party, std::string_view name) {
  auto fields = party.FindMember("fields");
  if (fields == party.MemberEnd() || !fields->value.IsArray()) return std::nullopt;
  for (const auto& f : fields->value.GetArray()) {
    auto def = f.FindMember("definition");
    if (def == f.MemberEnd() || text_of(def->value, "name") != name) continue;
    auto value = f.FindMember("value");
    if (value == f.MemberEnd() || value->value.IsNull()) return std::nullopt;
    if (value->value.IsString()) return std::string(value->value.GetString(), value->value.GetStringLength());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value->value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
  }
  return std::nullopt;
}

}  // namespace capsync::scenario
