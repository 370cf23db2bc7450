#pragma once
// BindingsRepo: the `bindings` table of one connection, as the reconciler's BindingView.
// Column mapping: remote_hash = Binding::pushed_hash (accounting side, R10/R11),
// capsule_hash = Binding::summary_hash (Capsule side, R6/R11), kind = ContactRole;
// pushed_details and contact_person_id are read and written on their own (R10); put() clears them.
// Not thread-safe, like its Database; reads and writes run on the io_context thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/model/contact.hpp"
#include "core/sync/binding.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

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

// "customer" | "supplier" | "both" -> role; unknown text reads as customer.
sync::ContactRole parse_role(std::string_view text);

}  // namespace capsync::engine
