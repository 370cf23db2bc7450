#pragma once
// Generated seeds for any provider: the Capsule section plus one accounting provider's section,
// rendered from the neutral data set by that provider's renderer (one file each).

#include <optional>
#include <string>
#include <string_view>

#include "test/sandbox/json_util.hpp"
#include "test/sandbox/seed_dataset.hpp"
#include "test/sandbox/seed_generator.hpp"

namespace capsync::sandbox {

// Writes the provider's section object. `credentials` is that provider's section of the default
// seed (apps, tokens, company), copied in first.
using SeedRenderer = void (*)(JsonWriter& w, const SeedDataset& data, const rapidjson::Value& credentials);

void render_freeagent_seed(JsonWriter& w, const SeedDataset& data, const rapidjson::Value& credentials);
void render_sage_seed(JsonWriter& w, const SeedDataset& data, const rapidjson::Value& credentials);
void render_freshbooks_seed(JsonWriter& w, const SeedDataset& data, const rapidjson::Value& credentials);
void render_kashflow_seed(JsonWriter& w, const SeedDataset& data, const rapidjson::Value& credentials);

// Copies every member of `credentials` into the object being written.
void write_credentials(JsonWriter& w, const rapidjson::Value& credentials);
void write_string(JsonWriter& w, const char* key, std::string_view value);

// The seed for `provider` (xero, freeagent, sage, freshbooks, kashflow); Xero's is
// generate_seed's output byte for byte. nullopt for an unknown provider.
std::optional<std::string> generate_provider_seed(const GeneratorOptions& options, std::string_view provider);

// `seed` with `accounts` more Capsule accounts, each a copy of its Capsule data reached by its own
// token, capsule_account_token(i) for i = 1..accounts ("accounts" in the Capsule section).
std::optional<std::string> with_capsule_accounts(std::string_view seed, int accounts);
std::string capsule_account_token(int i);

}  // namespace capsync::sandbox
