#pragma once
// Export (R12, R13): turns an unlinked Capsule party into the accounting contact to create.
// A person with no organisation (B2C) becomes a person contact; a person in an organisation
// (B2B) exports the organisation with that person as contact person; an organisation exports
// as itself. Never creates a name the accounting side already has (R13), nor one it has in all
// but case, spacing, punctuation or legal suffix (R17).

#include <optional>
#include <string>

#include "core/model/contact.hpp"
#include "core/model/party.hpp"
#include "core/sync/binding.hpp"
#include "core/sync/conflict.hpp"
#include "core/sync/contact_name_index.hpp"

namespace capsync::sync {

struct ExportPlan {
  enum class Kind {
    nothing,     // the party that would be exported is already linked
    create,      // create `spec` on the accounting side and link it to `target_party`
    name_clash,      // R13: `conflict` names the existing accounting contact(s)
    near_duplicate,  // R17: `conflict` names the contact(s) whose name differs only by case,
                     // spacing, punctuation or legal suffix; a person decides, nothing is created
  };
  Kind kind = Kind::nothing;
  model::PartyId target_party = 0;  // the party to link: the person (B2C) or their organisation (B2B)
  model::ContactDetails spec;       // ContactSpec
  // The new link's push baseline: the hash plan_push will compute for target_party as it is
  // now, so its next read-back is not pushed. Empty when the organisation's full state was not
  // given (the baseline is then taken at first sight).
  std::optional<std::string> baseline_hash;
  std::optional<model::ContactDetails> baseline;  // the details `baseline_hash` is the hash of
  std::optional<Conflict> conflict;
};

// `organisation` is the full party of `party.organisation` when the caller has it; without it
// the B2B export carries only the organisation's name and the person's details.
// `contact_person`: when `party` is an organisation, the person a push would send with it
// (R10), so the export carries what a push after it would, whichever Capsule read came first.
// A view's read error is returned: nothing is planned on a guess.
Result<ExportPlan> plan_export(const model::Party& party, const std::optional<model::Party>& organisation,
                       const model::Party* contact_person, const BindingView& bindings,
                       const ContactNameIndex& names);

}  // namespace capsync::sync
