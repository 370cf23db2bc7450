#include "core/sync/push.hpp"

#include <fmt/format.h>

#include "core/model/name_key.hpp"
#include "core/sync/contact_details.hpp"

namespace capsync::sync {

Result<PushPlan> plan_push(const model::Party& party, const model::Party* contact_person,
                   const std::optional<model::ContactDetails>& last_pushed, const Binding& binding,
                   const ContactNameIndex& names) {
  PushPlan plan;
  plan.update = push_details(party, contact_person);
  plan.previous = last_pushed;
  plan.hash = details_hash(plan.update);
  if (!binding.pushed_hash) {
    plan.kind = PushPlan::Kind::baseline;
    return plan;
  }
  if (*binding.pushed_hash == plan.hash) return plan;
  std::vector<std::string> others;
  auto named = names.find_by_exact_key(model::exact_key(plan.update.name));
  if (!named) return named.error();
  for (auto& id : *named) {
    if (id != binding.remote_id) others.push_back(std::move(id));
  }
  if (!others.empty()) {
    plan.kind = PushPlan::Kind::name_clash;
    plan.conflict = make_conflict(
        ConflictKind::name_clash, binding.remote_id, std::move(others), {party.id}, plan.update.name,
        fmt::format("Capsule party {} was renamed to '{}', a name another accounting contact already has; "
                    "the change is not pushed. Rename one of them.",
                    party.id, plan.update.name));
    return plan;
  }
  plan.kind = PushPlan::Kind::push;
  return plan;
}

}  // namespace capsync::sync
