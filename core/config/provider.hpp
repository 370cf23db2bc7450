#pragma once
// The accounting services capsync can pair with a Capsule account, and their public endpoints.

#include <optional>
#include <span>
#include <string_view>

namespace capsync::config {

enum class Provider { xero, freshbooks, kashflow, freeagent, sage };

// Every provider, in the order the documentation lists them.
std::span<const Provider> all_providers();

// The config spelling: "xero", "freshbooks", "kashflow", "freeagent", "sage".
std::string_view to_string(Provider provider);
// As the vendor writes it, for messages and the default export tag: "Xero", "FreshBooks", ...
std::string_view display_name(Provider provider);
std::optional<Provider> parse_provider(std::string_view text);

// Default endpoints of the real service. token/authorize are empty for KashFlow (session tokens,
// no OAuth).
struct ProviderEndpoints {
  std::string_view base_url;
  std::string_view token_url;
  std::string_view authorize_url;
};
ProviderEndpoints default_endpoints(Provider provider);

// KashFlow logs in with user name, password and memorable word; the others use OAuth 2.
bool uses_oauth(Provider provider);

}  // namespace capsync::config
