#include "test/scenario/provider_kit.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "test/scenario/sync_world.hpp"

namespace capsync::scenario {

std::unique_ptr<ProviderKit> make_xero_kit();
std::unique_ptr<ProviderKit> make_freeagent_kit();
std::unique_ptr<ProviderKit> make_sage_kit();
std::unique_ptr<ProviderKit> make_freshbooks_kit();
std::unique_ptr<ProviderKit> make_kashflow_kit();

namespace {

using Factory = std::unique_ptr<ProviderKit> (*)();

// Every provider the suite runs against, in the order it runs them.
const std::vector<std::pair<std::string, Factory>>& kits() {
  static const std::vector<std::pair<std::string, Factory>> list{
      {"xero", make_xero_kit},
      {"freeagent", make_freeagent_kit},
      {"sage", make_sage_kit},
      {"freshbooks", make_freshbooks_kit},
      {"kashflow", make_kashflow_kit},
  };
  return list;
}

}  // namespace

ContactSpec org_contact(std::string key, std::string name) {
  ContactSpec c;
  c.key = std::move(key);
  c.name = std::move(name);
  return c;
}

ContactSpec person_contact(std::string key, std::string first, std::string last) {
  ContactSpec c;
  c.key = std::move(key);
  c.name = first + " " + last;
  c.first = std::move(first);
  c.last = std::move(last);
  c.person = true;
  return c;
}

InvoiceSpec sales_invoice(std::string contact, std::string number, std::string total, int due_offset_days) {
  InvoiceSpec i;
  i.contact = std::move(contact);
  i.number = std::move(number);
  i.total = std::move(total);
  i.due_offset_days = due_offset_days;
  return i;
}

bool RemoteContact::has_address(std::string_view street, std::string_view city) const {
  return std::any_of(addresses.begin(), addresses.end(),
                     [&](const auto& a) { return a.first == street && a.second == city; });
}

const RemoteContact* RemoteBook::find(std::string_view remote_id) const {
  for (const auto& c : contacts_)
    if (c.remote_id == remote_id) return &c;
  return nullptr;
}

std::vector<const RemoteContact*> RemoteBook::named(std::string_view name) const {
  std::vector<const RemoteContact*> out;
  for (const auto& c : contacts_)
    if (c.name == name) out.push_back(&c);
  return out;
}

const RemoteContact* RemoteBook::only_named(std::string_view name) const {
  auto all = named(name);
  return all.size() == 1 ? all.front() : nullptr;
}

HttpAnswer ProviderKit::call(const std::string& method, const std::string& target, const std::string& body,
                             const std::map<std::string, std::string>& headers) const {
  if (!call_) throw std::runtime_error(fmt::format("the {} kit is not connected to a sandbox", name()));
  return call_(method, target, body, headers);
}

HttpAnswer ProviderKit::checked(const std::string& method, const std::string& path, const std::string& body) {
  auto answer = api(method, path, body);
  if (answer.status < 200 || answer.status > 299)
    throw std::runtime_error(fmt::format("{} {} {} answered {}: {}", name(), method, path, answer.status,
                                         answer.body.substr(0, 300)));
  return answer;
}

std::string ProviderKit::access_token(const std::string& token_target, const std::string& client_form) {
  if (!access_.empty() && std::chrono::steady_clock::now() < access_until_) return access_;
  auto answer = call("POST", token_target, fmt::format("grant_type=refresh_token&refresh_token={}&{}", refresh_token_, client_form),
                     {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}});
  if (answer.status != 200)
    throw std::runtime_error(fmt::format("the harness's {} token refresh answered {}: {}", name(), answer.status, answer.body));
  auto doc = answer.json();
  access_ = json_text(doc, "access_token");
  refresh_token_ = json_text(doc, "refresh_token");
  access_until_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(doc["expires_in"].GetInt64() * 500);
  return access_;
}

std::unique_ptr<ProviderKit> make_kit(std::string_view provider) {
  for (const auto& [name, factory] : kits())
    if (name == provider) return factory();
  throw std::runtime_error(fmt::format("no scenario kit for provider \"{}\"", provider));
}

const std::vector<std::string>& conformance_providers() {
  // CAPSYNC_CONFORMANCE=sage,xero narrows a local run to some providers.
  static const std::vector<std::string> names = [] {
    const char* only = std::getenv("CAPSYNC_CONFORMANCE");
    std::vector<std::string> out;
    for (const auto& [name, factory] : kits())
      if (only == nullptr || fmt::format(",{},", only).find("," + name + ",") != std::string::npos) out.push_back(name);
    return out;
  }();
  return names;
}

std::vector<std::string> conformance_providers(Trait trait) {
  std::vector<std::string> out;
  for (const auto& name : conformance_providers())
    if (make_kit(name)->has(trait)) out.push_back(name);
  return out;
}

std::vector<std::string> trait_notes(Trait trait) {
  static std::set<Trait> said;
  if (!said.insert(trait).second) return {};
  std::vector<std::string> out;
  for (const auto& name : conformance_providers()) {
    const auto kit = make_kit(name);
    const std::string note = kit->trait_note(trait);
    if (!note.empty()) out.push_back(fmt::format("{} {}: {}", kit->has(trait) ? "NOTE" : "SKIP", name, note));
  }
  return out;
}

JsonObject& JsonObject::text(std::string_view key, std::string_view value) {
  return raw(key, json_string(value));
}

JsonObject& JsonObject::text_if(std::string_view key, std::string_view value) {
  return value.empty() ? *this : text(key, value);
}

JsonObject& JsonObject::raw(std::string_view key, std::string_view json) {
  if (!body_.empty()) body_ += ',';
  body_ += json_string(key) + ":" + std::string(json);
  return *this;
}

void push_item(rapidjson::Document& seed, const char* provider, const char* list, const std::string& item) {
  rapidjson::Document parsed;
  parsed.Parse(item.c_str());
  if (parsed.HasParseError()) throw std::runtime_error("kit rendered no JSON object: " + item);
  auto& a = seed.GetAllocator();
  if (!seed.HasMember(provider)) seed.AddMember(rapidjson::Value(provider, a), rapidjson::Value(rapidjson::kObjectType), a);
  auto& section = seed[provider];
  if (!section.HasMember(list)) section.AddMember(rapidjson::Value(list, a), rapidjson::Value(rapidjson::kArrayType), a);
  section[list].PushBack(rapidjson::Value(parsed, a), a);
}

rapidjson::Value::ConstArray state_list(const rapidjson::Value& state, const char* provider, const char* key) {
  static const rapidjson::Value empty(rapidjson::kArrayType);
  auto p = state.FindMember(provider);
  if (p == state.MemberEnd() || !p->value.IsObject()) return empty.GetArray();
  auto l = p->value.FindMember(key);
  return l != p->value.MemberEnd() && l->value.IsArray() ? l->value.GetArray() : empty.GetArray();
}

std::string digits_only(std::string_view text) {
  std::string out;
  std::copy_if(text.begin(), text.end(), std::back_inserter(out), [](char c) { return c >= '0' && c <= '9'; });
  return out;
}

std::string json_text(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                          : std::string();
}

long key_number(std::string_view key) {
  const std::string digits = digits_only(key);
  if (digits.empty()) throw std::runtime_error(fmt::format("test key \"{}\" has no number", key));
  return std::stol(digits);
}

}  // namespace capsync::scenario
