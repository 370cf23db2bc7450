#include "core/config/provider.hpp"

#include <array>

namespace capsync::config {
namespace {

struct ProviderInfo {
  Provider provider;
  std::string_view name;
  std::string_view display;
  ProviderEndpoints endpoints;
};

// Hosts of the production services (shared/api/*.md). The connectors append API paths.
constexpr std::array<ProviderInfo, 5> kProviders{{
    {Provider::xero, "xero", "Xero",
     {"https://api.xero.com", "https://identity.xero.com/connect/token",
      "https://login.xero.com/identity/connect/authorize"}},
    {Provider::freshbooks, "freshbooks", "FreshBooks",
     {"https://api.freshbooks.com", "https://api.freshbooks.com/auth/oauth/token",
      "https://auth.freshbooks.com/oauth/authorize"}},
    {Provider::kashflow, "kashflow", "KashFlow", {"https://api.kashflow.com/v2", "", ""}},
    {Provider::freeagent, "freeagent", "FreeAgent",
     {"https://api.freeagent.com/v2", "https://api.freeagent.com/v2/token_endpoint",
      "https://api.freeagent.com/v2/approve_app"}},
    {Provider::sage, "sage", "Sage",
     {"https://api.accounting.sage.com/v3.1", "https://oauth.accounting.sage.com/token",
      "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1"}},
}};

constexpr std::array<Provider, 5> kAll{Provider::xero, Provider::freshbooks, Provider::kashflow,
                                       Provider::freeagent, Provider::sage};

const ProviderInfo& info(Provider provider) {
  for (const ProviderInfo& p : kProviders) {
    if (p.provider == provider) return p;
  }
  return kProviders[0];  // unreachable: the table covers the enum
}

}  // namespace

std::span<const Provider> all_providers() { return kAll; }

std::string_view to_string(Provider provider) { return info(provider).name; }

std::string_view display_name(Provider provider) { return info(provider).display; }

std::optional<Provider> parse_provider(std::string_view text) {
  for (const ProviderInfo& p : kProviders) {
    if (p.name == text) return p.provider;
  }
  return std::nullopt;
}

ProviderEndpoints default_endpoints(Provider provider) { return info(provider).endpoints; }

bool uses_oauth(Provider provider) { return provider != Provider::kashflow; }

}  // namespace capsync::config
