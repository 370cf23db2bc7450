#include "core/sync/conflict.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace capsync::sync {

std::string_view to_string(ConflictKind kind) {
  switch (kind) {
    case ConflictKind::ambiguous_match: return "ambiguous_match";
    case ConflictKind::name_clash: return "name_clash";
    case ConflictKind::supplier_customer_same_name: return "supplier_customer_same_name";
    case ConflictKind::near_duplicate: return "near_duplicate";
    case ConflictKind::refused_by_api: return "refused_by_api";
    case ConflictKind::unnamed_contact: return "unnamed_contact";
  }
  return "unknown";
}

namespace {
std::string_view title(ConflictKind kind) {
  switch (kind) {
    case ConflictKind::ambiguous_match: return "Ambiguous match";
    case ConflictKind::name_clash: return "Name clash";
    case ConflictKind::supplier_customer_same_name: return "Supplier and customer with the same name";
    case ConflictKind::near_duplicate: return "Near-duplicate names";
    case ConflictKind::refused_by_api: return "Refused by the API";
    case ConflictKind::unnamed_contact: return "Contact without a name";
  }
  return "Conflict";
}
}  // namespace

Conflict make_conflict(ConflictKind kind, std::string remote_id, std::vector<std::string> other_remote_ids,
                       std::vector<model::PartyId> party_ids, std::string name, std::string hint) {
  std::sort(other_remote_ids.begin(), other_remote_ids.end());
  other_remote_ids.erase(std::unique(other_remote_ids.begin(), other_remote_ids.end()), other_remote_ids.end());
  std::erase(other_remote_ids, remote_id);
  std::sort(party_ids.begin(), party_ids.end());
  party_ids.erase(std::unique(party_ids.begin(), party_ids.end()), party_ids.end());
  return Conflict{kind, std::move(remote_id), std::move(other_remote_ids), std::move(party_ids),
                  std::move(name), std::move(hint)};
}

std::string Conflict::identity() const {
  const bool contacts_only = !remote_id.empty() && !other_remote_ids.empty();
  return fmt::format("{}|r:{}|o:{}|p:{}", to_string(kind), remote_id, fmt::join(other_remote_ids, ","),
                     contacts_only ? "" : fmt::format("{}", fmt::join(party_ids, ",")));
}

std::string Conflict::describe() const {
  std::string sides;
  if (!remote_id.empty()) sides = fmt::format("accounting contact '{}' ({})", name, remote_id);
  if (!other_remote_ids.empty()) {
    sides += fmt::format("{}accounting contact{} {}", sides.empty() ? "" : ", ",
                         other_remote_ids.size() > 1 ? "s" : "", fmt::join(other_remote_ids, ", "));
  }
  if (!party_ids.empty()) {
    sides += fmt::format("{}Capsule part{} {}", sides.empty() ? "" : "; ",
                         party_ids.size() > 1 ? "ies" : "y", fmt::join(party_ids, ", "));
  }
  if (remote_id.empty() && !name.empty()) sides = fmt::format("'{}': {}", name, sides);
  return hint.empty() ? fmt::format("{}: {}", title(kind), sides)
                      : fmt::format("{}: {}. {}", title(kind), sides, hint);
}

}  // namespace capsync::sync
