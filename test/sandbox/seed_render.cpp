#include "test/sandbox/seed_render.hpp"

#include <fmt/format.h>

#include "test/sandbox/sandbox.hpp"

namespace capsync::sandbox {
namespace {

SeedRenderer renderer_for(std::string_view provider) {
  if (provider == "freeagent") return render_freeagent_seed;
  if (provider == "sage") return render_sage_seed;
  if (provider == "freshbooks") return render_freshbooks_seed;
  if (provider == "kashflow") return render_kashflow_seed;
  return nullptr;
}

}  // namespace

void write_credentials(JsonWriter& w, const rapidjson::Value& credentials) {
  if (!credentials.IsObject()) return;
  for (const auto& m : credentials.GetObject()) {
    w.Key(m.name.GetString(), m.name.GetStringLength());
    m.value.Accept(w);
  }
}

void write_string(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

std::optional<std::string> generate_provider_seed(const GeneratorOptions& options, std::string_view provider) {
  if (provider == "xero") return generate_seed(options);
  SeedRenderer render = renderer_for(provider);
  if (render == nullptr) return std::nullopt;
  std::string xero = generate_seed(options);
  auto plain = parse_json(xero);
  rapidjson::Document exact;
  exact.Parse<rapidjson::kParseNumbersAsStringsFlag>(xero.data(), xero.size());
  const auto* xero_section = member(exact, "xero");
  auto credentials = parse_json(default_seed());
  if (!plain || exact.HasParseError() || xero_section == nullptr || !credentials) return std::nullopt;
  auto data = read_seed_dataset(*xero_section);
  const auto* provider_credentials = member(*credentials, provider);
  if (!data || provider_credentials == nullptr) return std::nullopt;

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  for (const char* key : {"generator", "capsule"}) {
    w.Key(key);
    (*member(*plain, key)).Accept(w);
  }
  w.Key(provider.data(), static_cast<rapidjson::SizeType>(provider.size()));
  render(w, *data, *provider_credentials);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::string capsule_account_token(int i) { return fmt::format("capsule-sandbox-token-{}", i); }

std::optional<std::string> with_capsule_accounts(std::string_view seed, int accounts) {
  auto doc = parse_json(seed);
  if (!doc || !doc->IsObject() || !doc->HasMember("capsule") || !(*doc)["capsule"].IsObject()) return std::nullopt;
  auto& alloc = doc->GetAllocator();
  auto& capsule = (*doc)["capsule"];
  rapidjson::Value list(rapidjson::kArrayType);
  for (int i = 1; i <= accounts; ++i) {
    rapidjson::Value account(capsule, alloc);
    rapidjson::Value tokens(rapidjson::kArrayType);
    tokens.PushBack(rapidjson::Value(capsule_account_token(i).c_str(), alloc), alloc);
    set_member(account, "tokens", std::move(tokens), alloc);
    rapidjson::Value site(rapidjson::kObjectType);
    set_string(site, "subdomain", fmt::format("sandbox-{}", i), alloc);
    set_string(site, "name", fmt::format("Sandbox Account {}", i), alloc);
    set_member(account, "site", std::move(site), alloc);
    list.PushBack(std::move(account), alloc);
  }
  set_member(capsule, "accounts", std::move(list), alloc);
  return to_json(*doc) + "\n";
}

}  // namespace capsync::sandbox
