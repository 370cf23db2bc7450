#include "core/webhook/event.hpp"

#include <array>
#include <utility>

namespace capsync::webhook {

namespace {

constexpr std::array<std::pair<RecordKind, std::string_view>, 5> kKinds{{
    {RecordKind::contact, "contact"},
    {RecordKind::invoice, "invoice"},
    {RecordKind::party, "party"},
    {RecordKind::quote, "quote"},
    {RecordKind::opportunity, "opportunity"},
}};

}  // namespace

std::string_view to_string(RecordKind kind) {
  for (const auto& [k, name] : kKinds)
    if (k == kind) return name;
  return "unknown";
}

bool parse(std::string_view text, RecordKind& kind) {
  for (const auto& [k, name] : kKinds)
    if (name == text) {
      kind = k;
      return true;
    }
  return false;
}

}  // namespace capsync::webhook
