#pragma once
// Action: one decision of the reconciler, for the daemon's job runner to execute in order
// (or for `capsyncctl plan` to print). Actions about an accounting contact are keyed by its
// remote id, so an action after a CreateParty/Recreate reaches the party created just before.
// After executing an action the runner stores what it says to store; that is what makes a
// second run over the same input decide nothing (idempotence).

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/model/contact.hpp"
#include "core/model/party.hpp"
#include "core/sync/binding.hpp"
#include "core/sync/conflict.hpp"
#include "core/sync/summary_write.hpp"

namespace capsync::sync {

// R2: bind an existing party. Store Binding{party_id, remote_id, role}, hashes empty.
struct LinkParty {
  std::string remote_id;
  model::PartyId party_id = 0;
  ContactRole role = ContactRole::customer;
  friend bool operator==(const LinkParty&, const LinkParty&) = default;
};

// R2/R4: create `spec` in Capsule (no owner), then bind it with pushed_hash = `pushed_hash`.
struct CreateParty {
  std::string remote_id;
  ContactRole role = ContactRole::customer;
  model::PartySpec spec;
  std::string pushed_hash;  // details of `spec`: the new party's read-back is not pushed back
  friend bool operator==(const CreateParty&, const CreateParty&) = default;
};

// R14: the bound party was deleted in Capsule and the contact still exists: create `spec`,
// rebind the remote id to the new party with pushed_hash, clear summary_hash.
struct RecreateParty {
  std::string remote_id;
  model::PartyId deleted_party_id = 0;
  model::PartySpec spec;
  std::string pushed_hash;
  friend bool operator==(const RecreateParty&, const RecreateParty&) = default;
};

// R14 (on_capsule_delete: unlink) and R15: forget the binding. The party stays; when it still
// exists (`clear_summary`), capsync removes its own summary fields, tag and note from it.
struct Unlink {
  std::string remote_id;
  model::PartyId party_id = 0;
  bool clear_summary = true;
  std::string reason;
  friend bool operator==(const Unlink&, const Unlink&) = default;
};

// R6/R7: write `summary` onto the party bound to `remote_id`, then store summary_hash = `hash`.
// Fields map by role to the definitions named in config; tag on/off; note updated in place.
struct UpdateSummary {
  std::string remote_id;
  std::optional<model::PartyId> party_id;  // empty when the party is created by an earlier action
  SummaryWrite summary;
  std::string hash;
  friend bool operator==(const UpdateSummary&, const UpdateSummary&) = default;
};

// R10: send `update` to the accounting contact, then store pushed_hash = `hash` and `update`
// as the binding's last pushed details. Only the fields that differ from `previous` (what
// Capsule had at the last push or link) are Capsule's changes; the others are left alone.
struct PushContact {
  std::string remote_id;
  model::PartyId party_id = 0;
  model::ContactDetails update;
  std::string hash;
  std::optional<model::ContactDetails> previous;
  friend bool operator==(const PushContact&, const PushContact&) = default;
};

// R11: store pushed_hash = `hash` and `details` for the binding; no write anywhere.
struct RememberPushed {
  std::string remote_id;
  model::PartyId party_id = 0;
  std::string hash;
  model::ContactDetails details;
  friend bool operator==(const RememberPushed&, const RememberPushed&) = default;
};

// R12: create `spec` on the accounting side, bind it to `party_id` with role customer and
// pushed_hash = `pushed_hash` and its `pushed_details` (may be empty); for B2B, record
// `source_party_id` as the contact person; remove `remove_tag` from `source_party_id` when
// set (the export tag).
struct ExportContact {
  model::PartyId party_id = 0;         // the party linked to the new contact
  model::PartyId source_party_id = 0;  // the party that asked (the person, for B2B)
  model::ContactDetails spec;
  std::optional<std::string> pushed_hash;
  std::optional<std::string> remove_tag;
  std::optional<model::ContactDetails> pushed_details;
  friend bool operator==(const ExportContact&, const ExportContact&) = default;
};

// R12: the party asked to be exported (export tag) but it, or its organisation, is linked
// already: nothing to create; remove `tag` from `party_id` so the request reads as done.
struct ClearExportTag {
  model::PartyId party_id = 0;         // the tagged party
  model::PartyId linked_party_id = 0;  // the party that is linked: itself, or its organisation (B2B)
  std::string remote_id;               // the accounting contact it is linked to
  std::string tag;
  friend bool operator==(const ClearExportTag&, const ClearExportTag&) = default;
};

// R17: record the conflict (dedupe by conflict.identity()), log it, carry on.
// `parties_of`: contacts whose parties an earlier action of the same pass creates; the conflict
// names those parties once they exist, so it reads as a later pass would have found it; while
// such a create has failed or was refused, the contact stays pending for the next pass.
struct RecordConflict {
  Conflict conflict;
  std::vector<std::string> parties_of;
  friend bool operator==(const RecordConflict&, const RecordConflict&) = default;
};

using Action = std::variant<LinkParty, CreateParty, RecreateParty, Unlink, UpdateSummary, PushContact,
                            RememberPushed, ExportContact, ClearExportTag, RecordConflict>;

// One line for `capsyncctl plan` and the journal: "create organisation 'Acme' for contact r-1".
std::string describe(const Action& action);

}  // namespace capsync::sync
