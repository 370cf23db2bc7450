#include "core/sync/binding.hpp"

namespace capsync::sync {

std::string_view to_string(ContactRole role) {
  switch (role) {
    case ContactRole::customer: return "customer";
    case ContactRole::supplier: return "supplier";
    case ContactRole::both: return "both";
  }
  return "customer";
}

void InMemoryBindings::put(Binding binding) {
  if (auto old = party_binding(binding.party_id)) by_remote_.erase(old->remote_id);
  by_remote_[binding.remote_id] = std::move(binding);
}

void InMemoryBindings::erase_remote_id(std::string_view remote_id) {
  if (auto it = by_remote_.find(remote_id); it != by_remote_.end()) by_remote_.erase(it);
}

Result<std::optional<Binding>> InMemoryBindings::find_by_remote_id(std::string_view remote_id) const {
  if (auto it = by_remote_.find(remote_id); it != by_remote_.end()) return std::optional<Binding>(it->second);
  return std::optional<Binding>();
}

Result<std::optional<Binding>> InMemoryBindings::find_by_party(model::PartyId party_id) const {
  return party_binding(party_id);
}

std::optional<Binding> InMemoryBindings::party_binding(model::PartyId party_id) const {
  for (const auto& [id, binding] : by_remote_) {
    if (binding.party_id == party_id) return binding;
  }
  return std::nullopt;
}

}  // namespace capsync::sync
