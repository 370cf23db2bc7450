#pragma once
// PlanCapsule, PlanAccounting: the connectors a plan (plan.hpp) syncs through. Reads go to
// the real connector (same rate limiter and token) and are counted; every write is recorded
// in the Plan and answered locally as the provider would have answered it, so the engine's
// own code decides everything exactly as in a real sync, and nothing can reach a provider.
// Records created here get ids no provider uses (negative party ids, "plan-new-N" contacts);
// reads about them are answered locally too.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/connector/accounting_connector.hpp"
#include "core/connector/capsule_connector.hpp"
#include "core/engine/plan.hpp"

namespace capsync::engine {

// The plan entry of `party` in `entries` (added when it has none).
PlanEntry& entry_for_party(std::vector<PlanEntry>& entries, model::PartyId party, std::string_view name);

class PlanCapsule final : public connector::CapsuleConnector {
 public:
  struct Lookups {
    std::function<std::string(model::PartyId)> party_name;                   // as mirrored; "" when unknown
    std::function<std::optional<model::PartyId>(std::int64_t)> note_party;  // the party a stored note is on
    // The opportunity a stored quote note (R22) is on.
    std::function<std::optional<model::OpportunityId>(std::int64_t)> note_opportunity;
  };
  PlanCapsule(connector::CapsuleConnector& real, Plan& plan, Lookups lookups)
      : real_(real), plan_(plan), lookups_(std::move(lookups)) {}

  boost::asio::awaitable<Result<connector::Page<model::Party>>> list_parties(connector::ListRequest request) override;
  boost::asio::awaitable<Result<std::vector<connector::DeletedParty>>> list_deleted_parties(
      model::Timestamp since) override;
  boost::asio::awaitable<Result<model::Party>> get_party(model::PartyId id) override;
  boost::asio::awaitable<Result<std::vector<model::Party>>> get_parties(std::span<const model::PartyId> ids) override;
  boost::asio::awaitable<Result<model::Party>> create_party(const model::PartySpec& spec) override;
  boost::asio::awaitable<Result<model::Party>> update_party(const model::Party& current,
                                                            const connector::PartyPatch& patch) override;
  boost::asio::awaitable<Result<std::vector<connector::FieldDefinition>>> field_definitions() override;
  boost::asio::awaitable<Result<std::int64_t>> resolve_field(std::string_view name, connector::FieldType type) override;
  boost::asio::awaitable<Result<model::TeamRef>> resolve_team(std::string_view name) override;
  boost::asio::awaitable<Result<std::vector<model::Tag>>> list_tags() override;
  boost::asio::awaitable<Result<connector::CapsuleAccount>> account() override;
  boost::asio::awaitable<Result<std::vector<connector::Note>>> list_notes(model::PartyId party) override;
  boost::asio::awaitable<Result<connector::Note>> create_note(model::PartyId party, std::string_view content) override;
  boost::asio::awaitable<Result<connector::Note>> update_note(std::int64_t note_id, std::string_view content) override;
  boost::asio::awaitable<Status> delete_note(std::int64_t note_id) override;
  boost::asio::awaitable<Result<connector::Page<model::Opportunity>>> list_opportunities(
      connector::ListRequest request) override;
  boost::asio::awaitable<Result<std::vector<connector::DeletedParty>>> list_deleted_opportunities(
      model::Timestamp since) override;
  boost::asio::awaitable<Result<std::vector<model::Milestone>>> list_milestones() override;
  boost::asio::awaitable<Result<model::Opportunity>> get_opportunity(model::OpportunityId id) override;
  // R22: the opportunity's quote note and accepted tag are recorded in Plan::quotes.
  boost::asio::awaitable<Result<std::vector<connector::Note>>> list_opportunity_notes(model::OpportunityId id) override;
  boost::asio::awaitable<Result<connector::Note>> create_opportunity_note(model::OpportunityId id,
                                                                          std::string_view content) override;
  boost::asio::awaitable<Status> tag_opportunity(model::OpportunityId id, std::string_view name) override;

 private:
  std::string party_name(model::PartyId party) const;
  std::optional<model::OpportunityId> opportunity_of_note(std::int64_t note_id) const;
  std::string field_name(std::int64_t definition_id) const;

  connector::CapsuleConnector& real_;
  Plan& plan_;
  Lookups lookups_;
  std::map<model::PartyId, model::Party> created_;     // by the (negative) id given here
  std::map<std::int64_t, model::PartyId> note_party_;  // notes seen or made during the plan
  std::map<std::int64_t, model::OpportunityId> note_opportunity_;  // quote notes seen or made during the plan
  std::map<std::int64_t, std::string> field_names_;    // custom field definitions by id
  std::int64_t next_note_ = -1;
};

class PlanAccounting final : public connector::AccountingConnector {
 public:
  // `contact_name`: a contact's name as mirrored ("" when unknown), for the quotes it would draft.
  PlanAccounting(connector::AccountingConnector& real, Plan& plan,
                 std::function<std::string(std::string_view)> contact_name = {})
      : real_(real), plan_(plan), contact_name_(std::move(contact_name)) {}

  std::string_view provider() const override { return real_.provider(); }
  connector::Capabilities capabilities() const override { return real_.capabilities(); }
  boost::asio::awaitable<Result<connector::Tenant>> tenant() override;
  void forget_tenant() override { real_.forget_tenant(); }
  boost::asio::awaitable<Result<connector::Page<model::Contact>>> list_contacts(connector::ListRequest request) override;
  boost::asio::awaitable<Result<connector::Page<model::Invoice>>> list_invoices(connector::ListRequest request,
                                                                                bool include_purchase) override;
  boost::asio::awaitable<Result<model::Contact>> get_contact(std::string_view remote_id) override;
  boost::asio::awaitable<Result<model::Contact>> create_contact(const model::ContactDetails& spec,
                                                                std::string_view idempotency_key) override;
  boost::asio::awaitable<Result<model::Contact>> update_contact(std::string_view remote_id,
                                                                const connector::ContactUpdate& update) override;
  boost::asio::awaitable<Result<std::vector<model::Contact>>> find_contacts_by_name(std::string_view name) override;
  boost::asio::awaitable<Result<connector::Page<model::Quote>>> list_quotes(connector::ListRequest request) override;
  // R19: recorded in Plan::quotes as "would draft a quote for opportunity #12 'Website' →
  // Acme Ltd, 1,200.00 GBP" and answered as a draft.
  boost::asio::awaitable<Result<model::Quote>> create_quote(const model::QuoteSpec& spec,
                                                            std::string_view idempotency_key) override;
  boost::asio::awaitable<Result<model::Quote>> update_quote(std::string_view remote_id,
                                                            const model::QuoteSpec& spec) override;
  boost::asio::awaitable<Result<std::vector<model::Quote>>> find_quotes_by_reference(
      std::string_view reference) override;
  std::string invoice_url(const model::Invoice& invoice) const override { return real_.invoice_url(invoice); }
  std::string new_invoice_url(std::string_view contact_remote_id) const override {
    return real_.new_invoice_url(contact_remote_id);
  }

  // True for the ids given to contacts this plan would create.
  static bool planned_id(std::string_view remote_id);

 private:
  // The quote `spec` describes, as the plan's lines name it.
  std::string describe_quote(const model::QuoteSpec& spec) const;
  void record_quote(const model::QuoteSpec& spec, std::string change);

  connector::AccountingConnector& real_;
  Plan& plan_;
  std::function<std::string(std::string_view)> contact_name_;
  std::map<std::string, model::Contact, std::less<>> created_;
};

}  // namespace capsync::engine
