#include "core/config/provider.hpp"

#include <algorithm>

namespace capsync::config {

bool ProviderTraits::takes(std::string_view key) const {
  return std::find(own_keys.begin(), own_keys.end(), key) != own_keys.end();
}

const ProviderTraits* ProviderCatalog::find(std::string_view name) const {
  for (const ProviderTraits& p : providers_)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace capsync::config
