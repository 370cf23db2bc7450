#include "core/sync/contact_export.hpp"

#include <fmt/format.h>

#include "core/model/name_key.hpp"
#include "core/sync/contact_details.hpp"

namespace capsync::sync {

namespace {

// B2B: the organisation's details, the person as contact person, the person's email, phone
// and address where the organisation has none.
model::ContactDetails b2b_details(const model::Party& person, const model::Party& org) {
  model::ContactDetails d = details_from_party(org);
  const model::ContactDetails p = details_from_party(person);
  d.contact_person = model::ContactPerson{p.first_name, p.last_name, p.email};
  if (d.email.empty()) d.email = p.email;
  if (d.phone.empty()) d.phone = p.phone;
  if (d.mobile.empty()) d.mobile = p.mobile;
  if (d.fax.empty()) d.fax = p.fax;
  if (d.website.empty()) d.website = p.website;
  if (!d.address) d.address = p.address;
  return d;
}

}  // namespace

Result<ExportPlan> plan_export(const model::Party& party, const std::optional<model::Party>& organisation,
                       const model::Party* contact_person, const BindingView& bindings,
                       const ContactNameIndex& names) {
  ExportPlan plan;
  if (party.type == model::PartyType::person && party.organisation) {
    model::Party org;
    if (organisation && organisation->id == party.organisation->id) {
      org = *organisation;
    } else {
      org.id = party.organisation->id;
      org.type = model::PartyType::organisation;
      org.name = party.organisation->name;
    }
    plan.target_party = org.id;
    plan.spec = b2b_details(party, org);
  } else {
    plan.target_party = party.id;
    plan.spec = push_details(party, contact_person);
  }
  if (plan.target_party == party.id) {
    plan.baseline = push_details(party, contact_person);
  } else if (organisation && organisation->id == plan.target_party) {
    plan.baseline = push_details(*organisation, &party);  // the exported person is the contact person
  }
  if (plan.baseline) plan.baseline_hash = details_hash(*plan.baseline);
  auto linked = bindings.find_by_party(plan.target_party);
  if (!linked) return linked.error();
  if (*linked) return plan;  // already linked: nothing to do

  std::vector<model::PartyId> parties{plan.target_party};
  if (plan.target_party != party.id) parties.push_back(party.id);
  auto found = names.find_by_exact_key(model::exact_key(plan.spec.name));
  if (!found) return found.error();
  auto existing = std::move(*found);
  if (!existing.empty()) {
    plan.kind = ExportPlan::Kind::name_clash;
    plan.conflict = make_conflict(
        ConflictKind::name_clash, "", std::move(existing), std::move(parties), plan.spec.name,
        fmt::format("Not exported: the accounting service already has a contact named '{}'. If they are "
                    "different, rename one; if they are the same, the sync links them by name once the "
                    "contact qualifies.",
                    plan.spec.name));
    return plan;
  }
  // No exact match, so every contact found here differs in some folded detail only.
  auto near_found = names.find_by_near_key(model::near_key(plan.spec.name));
  if (!near_found) return near_found.error();
  auto near = std::move(*near_found);
  if (!near.empty()) {
    plan.kind = ExportPlan::Kind::near_duplicate;
    plan.conflict = make_conflict(
        ConflictKind::near_duplicate, "", std::move(near), std::move(parties), plan.spec.name,
        fmt::format("Not exported: the accounting service has a contact whose name differs from '{}' only by "
                    "case, spacing, punctuation or legal suffix. If they are the same, rename one side to the "
                    "other's exact name and the sync links them once the contact qualifies; if they are "
                    "different, rename one to a clearly different name.",
                    plan.spec.name));
    return plan;
  }
  plan.kind = ExportPlan::Kind::create;
  return plan;
}

}  // namespace capsync::sync
