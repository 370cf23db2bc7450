#pragma once
// Reconciler: the decisions of one sync pass for one connection (R2–R17), as a list of
// Actions. Pure: it reads the batch and the views it is given and writes nothing, so the job
// runner executes the actions and `capsyncctl plan` prints them.
//
// What the runner feeds in (ReconcileInput):
// - contacts: accounting contacts that are new or changed, or whose invoices changed, each with
//   all of its invoices (every type and status; rules are applied here). A full reconcile
//   passes every contact, which is also what refreshes overdue flags as days go by. For each
//   id in deleted_parties that has a binding, include that binding's contact (status deleted
//   when the provider no longer has it): R14 is decided from it.
// - parties: Capsule parties changed since the last poll, current state with fields and tags;
//   for a person in an organisation who is to be exported, the organisation too; for a linked
//   party, the details last pushed and (organisations) the contact person.
// - deleted_parties: Capsule parties deleted since the last poll.
// - today: the date in the connection's time zone (model::date_in_zone), for R9.

#include <set>
#include <string>
#include <vector>

#include "core/error/result.hpp"
#include "core/model/contact.hpp"
#include "core/model/invoice.hpp"
#include "core/model/party.hpp"
#include "core/model/quote.hpp"
#include "core/sync/action.hpp"
#include "core/sync/binding.hpp"
#include "core/sync/conflict.hpp"
#include "core/sync/contact_name_index.hpp"
#include "core/sync/party_index.hpp"
#include "core/sync/policy.hpp"

namespace capsync::sync {

struct ContactChange {
  model::Contact contact;
  std::vector<model::Invoice> invoices;
  std::string new_invoice_url;  // R7: opens a new invoice for this contact; may be empty
  std::vector<model::Quote> quotes;  // R18: all of its quotes, when the policy reads quotes
};

struct PartyChange {
  model::Party party;
  std::optional<model::Party> organisation;  // party.organisation's full state, if known
  bool export_requested = false;             // R12 by the operator (capsyncctl export)
  // An organisation's contact person, pushed with it when linked (R10; see push_details()) and
  // exported with it when not (R12).
  std::optional<model::Party> contact_person;
  // The details last pushed to (or linked with) the party's accounting contact, if stored.
  std::optional<model::ContactDetails> last_pushed;
};

struct ReconcileInput {
  std::vector<ContactChange> contacts;
  std::vector<PartyChange> parties;
  std::vector<model::PartyId> deleted_parties;
  model::Date today;
};

// The read-only views a pass decides against; the store implements them in the daemon.
struct ReconcileViews {
  const BindingView& bindings;
  const PartyIndex& parties;
  const ContactNameIndex& contact_names;
  const ConflictLog& conflicts;
};

struct ReconcileResult {
  std::vector<Action> actions;  // execute in order
  std::vector<Error> errors;    // records skipped this pass (e.g. a total that overflows); the rest went on
};

// Order of decisions: contacts (customers before supplier-only contacts, then by remote id,
// so a customer and a supplier with one name resolve the same way every time), then parties
// (by id). A conflict already in `views.conflicts` is not recorded again. When a view cannot
// be read the pass decides nothing and returns that error: an unreadable binding or party is
// never taken for a missing one, which would create a second record.
Result<ReconcileResult> reconcile(const ReconcileInput& input, const ConnectionPolicy& policy,
                          const ReconcileViews& views);

// ContactRole of a contact from its flags.
ContactRole role_of(const model::Contact& contact);

}  // namespace capsync::sync
