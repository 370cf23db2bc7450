#pragma once
// Binding: the link between one Capsule party and one accounting contact, with the hashes of
// what capsync last wrote on each side (R11). BindingView reads them; the daemon implements
// it over its store, InMemoryBindings serves tests and plan.
// A view's reads return the store's error when they fail: a failed read is never "no binding",
// which would make a linked contact look new and be created again.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/error/result.hpp"
#include "core/model/party.hpp"

namespace capsync::sync {

// Whether the accounting contact is a customer, a supplier or both, as it was when linked.
enum class ContactRole { customer, supplier, both };
std::string_view to_string(ContactRole role);

struct Binding {
  model::PartyId party_id = 0;
  std::string remote_id;
  ContactRole role = ContactRole::customer;
  // R10/R11 accounting side: hash of the contact details last pushed (or seen at link time).
  // Empty until capsync has seen the linked party once.
  std::optional<std::string> pushed_hash;
  // R11 Capsule side: hash of the summary (fields, tag, note) last written to the party.
  std::optional<std::string> summary_hash;

  friend bool operator==(const Binding&, const Binding&) = default;
};

class BindingView {
 public:
  virtual ~BindingView() = default;
  virtual Result<std::optional<Binding>> find_by_remote_id(std::string_view remote_id) const = 0;
  virtual Result<std::optional<Binding>> find_by_party(model::PartyId party_id) const = 0;
};

class InMemoryBindings final : public BindingView {
 public:
  // Replaces any binding of the same remote id or party.
  void put(Binding binding);
  void erase_remote_id(std::string_view remote_id);
  std::size_t size() const { return by_remote_.size(); }

  Result<std::optional<Binding>> find_by_remote_id(std::string_view remote_id) const override;
  Result<std::optional<Binding>> find_by_party(model::PartyId party_id) const override;

 private:
  std::optional<Binding> party_binding(model::PartyId party_id) const;

  std::map<std::string, Binding, std::less<>> by_remote_;
};

}  // namespace capsync::sync
