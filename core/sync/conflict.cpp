#include "core/sync/conflict.hpp"

#include <algorithm>
#include <charconv>

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
    case ConflictKind::unreadable_record: return "unreadable_record";
    case ConflictKind::quote_not_drafted: return "quote_not_drafted";
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
    case ConflictKind::unreadable_record: return "Unreadable record";
    case ConflictKind::quote_not_drafted: return "Quote not drafted";
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

Conflict unreadable_conflict(std::string_view record, bool capsule, int page, const model::UnreadableRecord& r) {
  std::string remote_id;
  std::vector<model::PartyId> party_ids;
  if (capsule) {
    model::PartyId id = 0;
    auto [end, ec] = std::from_chars(r.id.data(), r.id.data() + r.id.size(), id);
    if (ec == std::errc{} && end == r.id.data() + r.id.size() && id > 0) party_ids.push_back(id);
  } else {
    remote_id = r.id;
  }
  std::string hint = fmt::format("{} at position {} on page {} was skipped: {}. Correct it there; the next sync reads it again",
                                 record, r.position, page, r.reason);
  return make_conflict(ConflictKind::unreadable_record, std::move(remote_id), {}, std::move(party_ids), r.name,
                       std::move(hint));
}

std::string Conflict::identity() const {
  // A record without a readable id is known by its name and where it was.
  if (kind == ConflictKind::unreadable_record && remote_id.empty() && party_ids.empty())
    return fmt::format("{}|n:{}|h:{}", to_string(kind), name, hint);
  const bool contacts_only = !remote_id.empty() && !other_remote_ids.empty();
  return fmt::format("{}|r:{}|o:{}|p:{}", to_string(kind), remote_id, fmt::join(other_remote_ids, ","),
                     contacts_only ? "" : fmt::format("{}", fmt::join(party_ids, ",")));
}

std::string Conflict::describe() const {
  if (kind == ConflictKind::unreadable_record) {
    std::string who = name.empty() ? std::string() : fmt::format(" '{}'", name);
    if (!remote_id.empty()) who += fmt::format(" ({})", remote_id);
    if (!party_ids.empty()) who += fmt::format(" (Capsule party {})", party_ids.front());
    return fmt::format("{}{}: {}", title(kind), who, hint);
  }
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
