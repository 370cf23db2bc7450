#pragma once
// BindingsRepo: the `bindings` table of one connection, as the reconciler's BindingView.
// Column mapping: remote_hash = Binding::pushed_hash (accounting side, R10/R11),
// capsule_hash = Binding::summary_hash (Capsule side, R6/R11), kind = ContactRole.
// Not thread-safe, like its Database; reads and writes run on the io_context thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/sync/binding.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

class BindingsRepo final : public sync::BindingView {
 public:
  BindingsRepo(store::Database& db, std::string connection) : db_(db), connection_(std::move(connection)) {}

  // Views report "no binding" when the store fails; the failure is logged once per call.
  std::optional<sync::Binding> find_by_remote_id(std::string_view remote_id) const override;
  std::optional<sync::Binding> find_by_party(model::PartyId party_id) const override;

  // Inserts or replaces the binding of binding.remote_id (and drops any other binding of its party).
  Status put(const sync::Binding& binding, bool created_by_us);
  Status erase(std::string_view remote_id);
  Status set_pushed_hash(std::string_view remote_id, std::string_view hash);
  Status set_summary_hash(std::string_view remote_id, std::optional<std::string_view> hash);
  // Every binding of the connection, by remote id.
  Result<std::vector<sync::Binding>> all() const;
  Result<int> count() const;

 private:
  std::optional<sync::Binding> find(std::string_view where, std::string_view value) const;

  store::Database& db_;
  std::string connection_;
};

// "customer" | "supplier" | "both" -> role; unknown text reads as customer.
sync::ContactRole parse_role(std::string_view text);

}  // namespace capsync::engine
