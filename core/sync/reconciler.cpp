#include "core/sync/reconciler.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/model/name_key.hpp"
#include "core/sync/contact_details.hpp"
#include "core/sync/contact_export.hpp"
#include "core/sync/matcher.hpp"
#include "core/sync/push.hpp"
#include "core/sync/rules.hpp"
#include "core/sync/summary.hpp"
#include "core/sync/summary_write.hpp"

namespace capsync::sync {

ContactRole role_of(const model::Contact& contact) {
  if (contact.is_supplier && contact.is_customer) return ContactRole::both;
  if (contact.is_supplier) return ContactRole::supplier;
  return ContactRole::customer;
}

namespace {

// A name taken in this pass: which contact holds it and, once known, its party.
struct Claim {
  std::string remote_id;
  ContactRole role = ContactRole::customer;
  std::optional<model::PartyId> party_id;
};

// A party created in this pass: for which contact, under which name.
struct Created {
  std::string remote_id;
  std::string name;
};

bool supplier_vs_customer(ContactRole a, ContactRole b) {
  return (a == ContactRole::supplier) != (b == ContactRole::supplier);
}

class Pass {
 public:
  Pass(const ReconcileInput& input, const ConnectionPolicy& policy, const ReconcileViews& views)
      : input_(input), policy_(policy), views_(views),
        deleted_(input.deleted_parties.begin(), input.deleted_parties.end()) {}

  Result<ReconcileResult> run() {
    std::vector<const ContactChange*> contacts;
    for (const auto& c : input_.contacts) contacts.push_back(&c);
    std::stable_sort(contacts.begin(), contacts.end(), [](const ContactChange* a, const ContactChange* b) {
      const bool a_supplier = role_of(a->contact) == ContactRole::supplier;
      const bool b_supplier = role_of(b->contact) == ContactRole::supplier;
      if (a_supplier != b_supplier) return b_supplier;
      return a->contact.remote_id < b->contact.remote_id;
    });
    for (const auto* c : contacts)
      if (!failed_) contact(*c);

    std::vector<const PartyChange*> parties;
    for (const auto& p : input_.parties) parties.push_back(&p);
    std::stable_sort(parties.begin(), parties.end(),
                     [](const PartyChange* a, const PartyChange* b) { return a->party.id < b->party.id; });
    for (const auto* p : parties)
      if (!failed_) party(*p);
    if (failed_) return *failed_;
    return std::move(result_);
  }

 private:
  std::string key_of(std::string_view name) const {
    return policy_.matching == config::Matching::normalized ? model::normalized_key(name)
                                                            : model::exact_key(name);
  }

  void emit(Action action) { result_.actions.push_back(std::move(action)); }

  // A view's answer; nullopt once a read failed, which stops the pass (run() returns the error).
  template <typename T>
  std::optional<T> read(Result<T> answer) {
    if (answer) return std::move(*answer);
    if (!failed_) failed_ = answer.error();
    return std::nullopt;
  }

  void conflict(Conflict c, std::vector<std::string> parties_of = {}) {
    auto id = c.identity();
    const auto known = read(views_.conflicts.contains(id));
    if (!known || *known || !recorded_.insert(id).second) return;
    emit(RecordConflict{std::move(c), std::move(parties_of)});
  }

  // A party this pass creates for `remote_id` is in views_.parties only from the next pass on.
  void creating(const std::string& remote_id, const std::string& name) {
    created_near_.emplace(model::near_key(name), Created{remote_id, name});
  }

  // R17 against the parties this pass creates: a contact whose name is near one of theirs
  // conflicts with it here, as it would in any later pass, so the outcome does not depend on
  // which contacts share a pass (batches, a restart after a crash, a retry).
  bool near_created(const model::Contact& c, const MatchOutcome& outcome) {
    const auto created = created_near_.find(model::near_key(c.display_name()));
    if (created == created_near_.end()) return false;
    std::vector<model::PartyId> parties;
    std::string names = fmt::format("contact {} gets Capsule party '{}' in this sync", created->second.remote_id,
                                    created->second.name);
    if (const auto* found = std::get_if<MatchConflict>(&outcome)) {
      if (found->conflict.kind != ConflictKind::near_duplicate) return false;
      parties = found->conflict.party_ids;
      names += fmt::format(", and Capsule has part{} {}", parties.size() > 1 ? "ies" : "y", fmt::join(parties, ", "));
    } else if (!std::holds_alternative<MatchCreate>(outcome)) {
      return false;
    }
    conflict(make_conflict(ConflictKind::near_duplicate, c.remote_id, {}, std::move(parties), c.display_name(),
                           near_duplicate_hint(names, policy_)),
             {created->second.remote_id});
    return true;
  }

  void contact(const ContactChange& change) {
    const auto& c = change.contact;
    const auto binding = read(views_.bindings.find_by_remote_id(c.remote_id));
    if (!binding) return;
    if (*binding) {
      bound_contact(change, **binding);
      return;
    }
    if (!qualifies(c, change.invoices, policy_.qualifies_by_invoices)) return;

    const std::string name = c.display_name();
    const std::string key = key_of(name);
    const ContactRole role = role_of(c);
    if (auto it = claims_.find(key); !key.empty() && it != claims_.end()) {
      same_name_conflict(c, role, it->second.remote_id, it->second.role, it->second.party_id);
      return;
    }
    const auto outcome = read(match_contact(c, views_.parties, policy_));
    if (!outcome || near_created(c, *outcome)) return;
    if (const auto* link = std::get_if<MatchLink>(&*outcome)) {
      const auto& party = link->party;
      const auto other = read(views_.bindings.find_by_party(party.id));
      if (!other) return;
      if (*other && (*other)->remote_id != c.remote_id) {
        same_name_conflict(c, role, (*other)->remote_id, (*other)->role, party.id);
        return;
      }
      if (auto taken = linked_parties_.find(party.id); taken != linked_parties_.end()) {
        same_name_conflict(c, role, taken->second.remote_id, taken->second.role, party.id);
        return;
      }
      emit(LinkParty{c.remote_id, party.id, role});
      claims_[key] = Claim{c.remote_id, role, party.id};
      linked_parties_[party.id] = claims_[key];
      summary(change, party.id, std::nullopt);
    } else if (const auto* create = std::get_if<MatchCreate>(&*outcome)) {
      emit(CreateParty{c.remote_id, role, create->spec, details_hash(details_from_spec(create->spec))});
      claims_[key] = Claim{c.remote_id, role, std::nullopt};
      creating(c.remote_id, name);
      summary(change, std::nullopt, std::nullopt);
    } else {
      conflict(std::get<MatchConflict>(*outcome).conflict);
    }
  }

  void same_name_conflict(const model::Contact& c, ContactRole role, const std::string& other_remote_id,
                          ContactRole other_role, std::optional<model::PartyId> party_id) {
    std::vector<model::PartyId> parties;
    if (party_id) parties.push_back(*party_id);
    const std::string name = c.display_name();
    if (supplier_vs_customer(role, other_role)) {
      conflict(make_conflict(
          ConflictKind::supplier_customer_same_name, c.remote_id, {other_remote_id}, std::move(parties), name,
          fmt::format("A {} and a {} in the accounting service are both named '{}'; only contact {} is linked. "
                      "Merge them there, or rename one.",
                      to_string(role), to_string(other_role), name, other_remote_id)));
    } else {
      conflict(make_conflict(
          ConflictKind::name_clash, c.remote_id, {other_remote_id}, std::move(parties), name,
          fmt::format("Two accounting contacts are named '{}'; only contact {} is linked. Merge or rename "
                      "them in the accounting service.",
                      name, other_remote_id)));
    }
  }

  void bound_contact(const ContactChange& change, const Binding& binding) {
    const auto& c = change.contact;
    const bool party_deleted = deleted_.count(binding.party_id) != 0;
    if (c.status != model::ContactStatus::active) {
      emit(Unlink{c.remote_id, binding.party_id, !party_deleted,
                  fmt::format("contact {} in the accounting service (R15)", model::to_string(c.status))});
      unlinked_parties_.insert(binding.party_id);
      return;
    }
    if (party_deleted) {
      if (policy_.on_capsule_delete == config::OnCapsuleDelete::unlink) {
        emit(Unlink{c.remote_id, binding.party_id, false, "party deleted in Capsule, on_capsule_delete: unlink (R14)"});
        return;
      }
      auto spec = party_spec_for(c, policy_);
      auto hash = details_hash(details_from_spec(spec));
      emit(RecreateParty{c.remote_id, binding.party_id, std::move(spec), std::move(hash)});
      claims_[key_of(c.display_name())] = Claim{c.remote_id, binding.role, std::nullopt};
      creating(c.remote_id, c.display_name());
      summary(change, std::nullopt, std::nullopt);
      return;
    }
    const Claim claim{c.remote_id, binding.role, binding.party_id};
    claims_[key_of(c.display_name())] = claim;
    linked_parties_[binding.party_id] = claim;
    summary(change, binding.party_id, binding.summary_hash);
  }

  void summary(const ContactChange& change, std::optional<model::PartyId> party_id,
               const std::optional<std::string>& last_hash) {
    auto write = summary_for_contact(change.invoices, input_.today, policy_, change.new_invoice_url,
                                     change.quotes);
    if (!write) {
      result_.errors.push_back(write.error().with_context(
          fmt::format("Failed to summarise invoices of contact {}", change.contact.remote_id)));
      return;
    }
    auto hash = write->hash(policy_);
    if (last_hash && *last_hash == hash) return;
    emit(UpdateSummary{change.contact.remote_id, party_id, std::move(*write), std::move(hash)});
  }

  void party(const PartyChange& change) {
    const auto& p = change.party;
    if (deleted_.count(p.id) != 0 || unlinked_parties_.count(p.id) != 0) return;
    const bool tagged = !policy_.export_tag.empty() && p.has_tag(policy_.export_tag);
    const auto found = read(views_.bindings.find_by_party(p.id));
    if (!found) return;
    if (const auto& binding = *found) {
      if (tagged) emit(ClearExportTag{p.id, p.id, binding->remote_id, policy_.export_tag});
      auto planned = read(plan_push(p, change.contact_person ? &*change.contact_person : nullptr, change.last_pushed,
                                    *binding, views_.contact_names));
      if (!planned) return;
      auto& plan = *planned;
      switch (plan.kind) {
        case PushPlan::Kind::nothing:
          break;
        case PushPlan::Kind::baseline:
          emit(RememberPushed{binding->remote_id, p.id, std::move(plan.hash), std::move(plan.update)});
          break;
        case PushPlan::Kind::push:
          emit(PushContact{binding->remote_id, p.id, std::move(plan.update), std::move(plan.hash),
                           std::move(plan.previous)});
          break;
        case PushPlan::Kind::name_clash:
          conflict(std::move(*plan.conflict));
          break;
      }
      return;
    }
    if (!change.export_requested && !tagged) return;
    auto planned = read(plan_export(p, change.organisation, change.contact_person ? &*change.contact_person : nullptr,
                                    views_.bindings, views_.contact_names));
    if (!planned) return;
    auto& plan = *planned;
    switch (plan.kind) {
      case ExportPlan::Kind::nothing:
        if (tagged) {
          const auto linked = read(views_.bindings.find_by_party(plan.target_party));
          if (linked && *linked)
            emit(ClearExportTag{p.id, plan.target_party, (*linked)->remote_id, policy_.export_tag});
        }
        break;
      case ExportPlan::Kind::name_clash:
      case ExportPlan::Kind::near_duplicate:
        conflict(std::move(*plan.conflict));
        break;
      case ExportPlan::Kind::create:
        if (linked_parties_.count(plan.target_party) != 0 || !exported_.insert(plan.target_party).second) break;
        emit(ExportContact{plan.target_party, p.id, std::move(plan.spec), std::move(plan.baseline_hash),
                           tagged ? std::optional<std::string>(policy_.export_tag) : std::nullopt,
                           std::move(plan.baseline)});
        break;
    }
  }

  const ReconcileInput& input_;
  const ConnectionPolicy& policy_;
  const ReconcileViews& views_;
  std::set<model::PartyId> deleted_;
  std::map<std::string, Claim> claims_;  // name key -> contact holding it in this pass
  std::map<model::PartyId, Claim> linked_parties_;  // parties linked or kept linked in this pass
  std::set<model::PartyId> unlinked_parties_;
  std::set<model::PartyId> exported_;
  std::set<std::string> recorded_;  // conflict identities emitted in this pass
  std::map<std::string, Created> created_near_;  // near key -> the first party created with it in this pass
  ReconcileResult result_;
  std::optional<Error> failed_;  // the first view read that failed
};

}  // namespace

Result<ReconcileResult> reconcile(const ReconcileInput& input, const ConnectionPolicy& policy,
                                  const ReconcileViews& views) {
  return Pass(input, policy, views).run();
}

}  // namespace capsync::sync
