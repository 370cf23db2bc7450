#include "core/sync/action.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace capsync::sync {

namespace {

struct Describer {
  std::string operator()(const LinkParty& a) const {
    return fmt::format("link contact {} ({}) to Capsule party {}", a.remote_id, to_string(a.role), a.party_id);
  }
  std::string operator()(const CreateParty& a) const {
    return fmt::format("create Capsule {} '{}'{} for contact {} and link it", model::to_string(a.spec.type),
                       a.spec.display_name(), a.spec.team ? fmt::format(" in team '{}'", a.spec.team->name) : "",
                       a.remote_id);
  }
  std::string operator()(const RecreateParty& a) const {
    return fmt::format("re-create deleted Capsule party {} as {} '{}' for contact {} and re-link it",
                       a.deleted_party_id, model::to_string(a.spec.type), a.spec.display_name(), a.remote_id);
  }
  std::string operator()(const Unlink& a) const {
    return fmt::format("unlink contact {} from Capsule party {}{} ({})", a.remote_id, a.party_id,
                       a.clear_summary ? " and clear its invoice summary" : "", a.reason);
  }
  std::string operator()(const UpdateSummary& a) const {
    const std::string party = a.party_id ? fmt::format("Capsule party {}", *a.party_id)
                                         : fmt::format("the party linked to contact {}", a.remote_id);
    return fmt::format("update invoice summary on {}: outstanding '{}', overdue '{}', next due '{}', last "
                       "invoice '{}', overdue tag {}{}{}",
                       party, a.summary.outstanding, a.summary.overdue, a.summary.next_due,
                       a.summary.last_invoice, a.summary.overdue_tag ? "on" : "off",
                       a.summary.open_quotes ? fmt::format(", open quotes '{}'", *a.summary.open_quotes) : "",
                       a.summary.note ? ", invoice note" : "");
  }
  std::string operator()(const PushContact& a) const {
    return fmt::format("push Capsule party {} details to contact {} (name '{}')", a.party_id, a.remote_id,
                       a.update.name);
  }
  std::string operator()(const RememberPushed& a) const {
    return fmt::format("remember the details of Capsule party {} linked to contact {}", a.party_id, a.remote_id);
  }
  std::string operator()(const ExportContact& a) const {
    return fmt::format("export Capsule party {} as {} contact '{}'{}", a.party_id, model::to_string(a.spec.kind),
                       a.spec.name,
                       a.spec.contact_person
                           ? fmt::format(" with contact person {} {}", a.spec.contact_person->first_name,
                                         a.spec.contact_person->last_name)
                           : "");
  }
  std::string operator()(const ClearExportTag& a) const {
    const std::string linked = a.linked_party_id == a.party_id
                                   ? std::string("it is")
                                   : fmt::format("its organisation (party {}) is", a.linked_party_id);
    return fmt::format("remove tag '{}' from Capsule party {}: {} already linked to contact {}", a.tag, a.party_id,
                       linked, a.remote_id);
  }
  std::string operator()(const RecordConflict& a) const {
    if (a.parties_of.empty()) return fmt::format("record conflict: {}", a.conflict.describe());
    return fmt::format("record conflict: {} (with the party created for contact {})", a.conflict.describe(),
                       fmt::join(a.parties_of, ", "));
  }
};

}  // namespace

std::string describe(const Action& action) { return std::visit(Describer{}, action); }

}  // namespace capsync::sync
