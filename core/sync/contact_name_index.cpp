#include "core/sync/contact_name_index.hpp"

#include "core/model/name_key.hpp"

namespace capsync::sync {

void InMemoryContactNameIndex::add(std::string remote_id, std::string_view name) {
  keys_[std::move(remote_id)] = Keys{model::exact_key(name), model::near_key(name)};
}

void InMemoryContactNameIndex::remove(std::string_view remote_id) {
  if (auto it = keys_.find(remote_id); it != keys_.end()) keys_.erase(it);
}

Result<std::vector<std::string>> InMemoryContactNameIndex::find_by_exact_key(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [id, k] : keys_) {
    if (!key.empty() && k.exact == key) out.push_back(id);
  }
  return out;
}

Result<std::vector<std::string>> InMemoryContactNameIndex::find_by_near_key(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [id, k] : keys_) {
    if (!key.empty() && k.near == key) out.push_back(id);
  }
  return out;
}

}  // namespace capsync::sync
