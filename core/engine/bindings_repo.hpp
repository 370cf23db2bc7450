#pragma once
// The links of one connection and what capsync wrote through them: the bindings between
// Capsule parties and accounting contacts, the creates begun and not linked yet, and the
// Capsule note that holds each linked party's invoice list.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error/result.hpp"
#include "core/model/contact.hpp"
#include "core/model/party.hpp"
#include "core/sync/binding.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

// BindingsRepo: the `bindings` table of one connection, as the reconciler's BindingView.
// Column mapping: remote_hash = Binding::pushed_hash (accounting side, R10/R11),
// capsule_hash = Binding::summary_hash (Capsule side, R6/R11), kind = ContactRole;
// pushed_details and contact_person_id are read and written on their own (R10); put() clears them.
// Not thread-safe, like its Database; reads and writes run on the io_context thread.
class BindingsRepo final : public sync::BindingView {
 public:
  BindingsRepo(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  // nullopt when there is no such binding; the store's error when it cannot be read.
  Result<std::optional<sync::Binding>> find_by_remote_id(std::string_view remote_id) const override;
  Result<std::optional<sync::Binding>> find_by_party(model::PartyId party_id) const override;

  // Inserts or replaces the binding of binding.remote_id (and drops any other binding of its party).
  Status put(const sync::Binding& binding, bool created_by_us);
  Status erase(std::string_view remote_id);
  // R10/R11: what was last pushed (or linked): its hash and the details themselves.
  Status set_pushed(std::string_view remote_id, std::string_view hash, const model::ContactDetails& details);
  // The details stored by set_pushed; nullopt when none are (linked before they were kept).
  Result<std::optional<model::ContactDetails>> pushed_details(std::string_view remote_id) const;
  // R10: the person recorded as the organisation's contact person by a B2B export.
  Status set_contact_person(std::string_view remote_id, model::PartyId person);
  Result<std::optional<model::PartyId>> contact_person(std::string_view remote_id) const;
  Status set_summary_hash(std::string_view remote_id, std::optional<std::string_view> hash);
  // Every binding of the connection, by remote id.
  Result<std::vector<sync::Binding>> all() const;
  // For `capsyncctl status`: the connection's links, and how many of them capsync created.
  struct Counts {
    std::int64_t linked = 0, created_by_us = 0;
  };
  Result<Counts> counts() const;

 private:
  Result<std::optional<sync::Binding>> find(std::string_view where, std::string_view value) const;

  store::Database& db_;
  std::string connection_;
};

// CreateIntents: creates begun and not linked yet, on either side. A row is committed before the
// create and dropped with the link it ends in, so a create interrupted in between (a crash, a
// lost answer) is known to be a retry:
// - exports (R12): the accounting contact an export may have created is looked up by name and
//   linked instead of creating a second one (R13); keyed by the Capsule party exported;
// - party creates (R2/R14): a Capsule party created just before a crash, then found by name and
//   linked on retry, is still known as created by capsync; keyed by the accounting contact;
// - invoice note creates (R7): only a party whose note create was interrupted has its notes
//   listed for the note that create made; keyed by the Capsule party.
class CreateIntents final {
 public:
  static CreateIntents exports(store::Database& db, std::string connection) {
    return CreateIntents(db, std::move(connection), "engine_exports", "party_id");
  }
  static CreateIntents party_creates(store::Database& db, std::string connection) {
    return CreateIntents(db, std::move(connection), "engine_party_creates", "remote_id");
  }
  static CreateIntents note_creates(store::Database& db, std::string connection) {
    return CreateIntents(db, std::move(connection), "engine_note_creates", "party_id");
  }

  // A Capsule party id for exports, an accounting remote id for party creates.
  using Key = std::variant<model::PartyId, std::string_view>;

  Result<bool> started(Key key) const;
  Status begin(Key key, std::int64_t now_ms);
  Status finish(Key key);

 private:
  CreateIntents(store::Database& db, std::string connection, std::string_view table, std::string_view key_column)
      : db_(db), connection_(std::move(connection)), table_(table), key_column_(key_column) {}

  store::Database& db_;
  std::string connection_;
  std::string_view table_, key_column_;  // string literals
};

// "customer" | "supplier" | "both" -> role; unknown text reads as customer.
sync::ContactRole parse_role(std::string_view text);

// NotesRepo: which Capsule note holds a linked party's invoice list (R7), so it is updated in
// place and never duplicated.
class NotesRepo final {
 public:
  NotesRepo(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  Result<std::optional<std::int64_t>> get(model::PartyId party) const;
  Status put(model::PartyId party, std::int64_t note_id);
  Status erase(model::PartyId party);

  const std::string& connection() const { return connection_; }

 private:
  store::Database& db_;
  std::string connection_;
};

}  // namespace capsync::engine
