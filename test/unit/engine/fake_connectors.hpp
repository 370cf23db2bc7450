#pragma once
// In-memory Capsule and accounting connectors for engine tests: the providers' observable
// behaviour (>= cursors, unique organisation names, partial updates) without HTTP.

#include <map>
#include <string>
#include <vector>

#include "core/connector/accounting_connector.hpp"
#include "core/connector/capsule_connector.hpp"
#include "core/connector/cursor.hpp"
#include "core/model/name_key.hpp"

namespace capsync::test {

// A clock both fakes stamp updates with; every tick is one millisecond later.
struct FakeClock {
  std::int64_t ms = 1'718'000'000'000;  // 2024-06-10
  model::Timestamp tick() { return model::Timestamp(std::chrono::milliseconds(++ms)); }
};

class FakeCapsule final : public connector::CapsuleConnector {
 public:
  explicit FakeCapsule(FakeClock& clock) : clock_(clock) {}

  std::map<model::PartyId, model::Party> parties;
  std::vector<connector::DeletedParty> deleted;
  std::map<std::string, std::int64_t> field_ids{
      {"Outstanding", 901}, {"Overdue", 902}, {"Next due date", 903}, {"Last invoice date", 904}};
  std::map<std::int64_t, connector::Note> notes;
  int writes = 0;
  int note_listings = 0;  // list_notes calls
  int updates_until_failure = -1;  // >= 0: that many more party updates succeed, then one fails (network)
  bool lose_next_party_answer = false;  // the next party create succeeds but its answer is lost (network)
  bool lose_next_note_answer = false;   // the next note create succeeds but its answer is lost (network)
  std::string refuse_party_named;       // a create of a party with this name is refused, as Capsule refuses bad data
  int per_page = 0;                     // > 0: listings come in pages of this many, in id order, as Capsule's do
  int fail_list_page = 0;               // the next listing of this page number fails (network)
  std::vector<model::Milestone> milestones;  // every pipeline's
  int milestone_reads = 0;
  std::map<model::OpportunityId, model::Opportunity> opportunities;

  model::Opportunity& add_opportunity(model::OpportunityId id, model::PartyId party, std::int64_t milestone,
                                      std::optional<std::string_view> value) {
    model::Opportunity o;
    o.id = id;
    o.name = "Deal " + std::to_string(id);
    o.party_id = party;
    o.milestone_id = milestone;
    if (value) o.value = *model::Money::parse(*value, "GBP");
    o.updated_at = clock_.tick();
    return opportunities[id] = o;
  }

  model::Party& add_person(std::string first, std::string last, std::optional<model::OrganisationRef> org = {}) {
    model::Party p;
    p.id = next_id_++;
    p.type = model::PartyType::person;
    p.first_name = std::move(first);
    p.last_name = std::move(last);
    p.organisation = std::move(org);
    p.updated_at = clock_.tick();
    return parties[p.id] = p;
  }
  void tag(model::PartyId id, std::string name) {
    parties.at(id).tags.push_back({next_item_++, std::move(name)});
    touch(id);
  }
  model::Party& add_organisation(std::string name) {
    model::Party p;
    p.id = next_id_++;
    p.type = model::PartyType::organisation;
    p.name = std::move(name);
    p.updated_at = clock_.tick();
    return parties[p.id] = p;
  }
  std::int64_t add_note(model::PartyId party, std::string content) {
    connector::Note n{next_item_++, party, std::move(content)};
    notes[n.id] = n;
    return n.id;
  }
  void touch(model::PartyId id) { parties.at(id).updated_at = clock_.tick(); }
  void remove(model::PartyId id) {
    parties.erase(id);
    deleted.push_back({id, clock_.tick()});
  }

  boost::asio::awaitable<Result<connector::Page<model::Party>>> list_parties(connector::ListRequest request) override {
    if (fail_list_page == request.page) {
      fail_list_page = 0;
      co_return make_error(Errc::io, "connection reset by peer");
    }
    connector::Page<model::Party> page;
    std::optional<model::Timestamp> since;
    if (!request.cursor.empty()) since = *model::parse_timestamp(request.cursor);
    model::Timestamp high = since.value_or(model::Timestamp{});
    const std::size_t first = per_page > 0 ? static_cast<std::size_t>((request.page - 1) * per_page) : 0;
    std::size_t matched = 0;
    for (const auto& [id, p] : parties) {
      if (since && *p.updated_at < *since) continue;
      if (matched++ < first) continue;
      if (per_page > 0 && page.items.size() == static_cast<std::size_t>(per_page)) {
        page.has_next = true;
        break;
      }
      page.items.push_back(p);
      high = std::max(high, *p.updated_at);
    }
    page.page = request.page;
    page.cursor = model::format_timestamp(high);
    co_return page;
  }
  boost::asio::awaitable<Result<std::vector<connector::DeletedParty>>> list_deleted_parties(
      model::Timestamp since) override {
    std::vector<connector::DeletedParty> out;
    for (const auto& d : deleted)
      if (*d.deleted_at >= since) out.push_back(d);
    co_return out;
  }
  boost::asio::awaitable<Result<model::Party>> get_party(model::PartyId id) override {
    auto it = parties.find(id);
    if (it == parties.end()) co_return make_error(Errc::not_found, "party {} not found", id);
    co_return it->second;
  }
  boost::asio::awaitable<Result<std::vector<model::Party>>> get_parties(std::span<const model::PartyId> ids) override {
    std::vector<model::Party> out;
    for (auto id : ids)
      if (parties.count(id)) out.push_back(parties.at(id));
    co_return out;
  }
  boost::asio::awaitable<Result<model::Party>> create_party(const model::PartySpec& spec) override {
    if (!refuse_party_named.empty() && spec.display_name() == refuse_party_named)
      co_return make_error(Errc::invalid_argument, "party '{}' refused", spec.name);
    if (spec.type == model::PartyType::organisation)
      for (const auto& [id, p] : parties)
        if (p.type == model::PartyType::organisation && model::exact_key(p.name) == model::exact_key(spec.name))
          co_return make_error(Errc::conflict, "organisation '{}' already exists", spec.name);
    ++writes;
    model::Party p;
    p.id = next_id_++;
    p.type = spec.type;
    p.name = spec.name;
    p.first_name = spec.first_name;
    p.last_name = spec.last_name;
    p.emails = spec.emails;
    p.phones = spec.phones;
    for (auto& ph : p.phones) ph.id = next_item_++;
    p.addresses = spec.addresses;
    p.websites = spec.websites;
    for (const auto& f : spec.fields) p.fields.push_back(model::CustomFieldValue{next_item_++, f.definition_id, f.value});
    for (const auto& tag : spec.tags) p.tags.push_back(model::Tag{next_item_++, tag});
    p.updated_at = clock_.tick();
    parties[p.id] = p;
    if (lose_next_party_answer) {
      lose_next_party_answer = false;
      co_return make_error(Errc::io, "connection reset by peer");
    }
    co_return p;
  }
  boost::asio::awaitable<Result<model::Party>> update_party(const model::Party& current,
                                                            const connector::PartyPatch& patch) override {
    auto it = parties.find(current.id);
    if (it == parties.end()) co_return make_error(Errc::not_found, "party {} not found", current.id);
    if (updates_until_failure == 0) {
      updates_until_failure = -1;
      co_return make_error(Errc::io, "connection reset by peer");
    }
    if (updates_until_failure > 0) --updates_until_failure;
    ++writes;
    auto& p = it->second;
    for (const auto& f : patch.set_fields) {
      std::erase_if(p.fields, [&](const model::CustomFieldValue& v) { return v.definition_id == f.definition_id; });
      if (!f.value.empty()) p.fields.push_back({next_item_++, f.definition_id, f.value});
    }
    for (const auto& t : patch.add_tags)
      if (!p.has_tag(t)) p.tags.push_back({next_item_++, t});
    for (const auto& t : patch.remove_tags) std::erase_if(p.tags, [&](const model::Tag& x) { return x.name == t; });
    p.updated_at = clock_.tick();
    co_return p;
  }
  boost::asio::awaitable<Result<std::vector<connector::FieldDefinition>>> field_definitions() override {
    co_return std::vector<connector::FieldDefinition>{};
  }
  boost::asio::awaitable<Result<std::int64_t>> resolve_field(std::string_view name, connector::FieldType) override {
    auto it = field_ids.find(std::string(name));
    if (it == field_ids.end())
      co_return make_error(Errc::invalid_argument, "create a custom field '{}' for parties in Capsule", name);
    co_return it->second;
  }
  boost::asio::awaitable<Result<model::TeamRef>> resolve_team(std::string_view name) override {
    co_return model::TeamRef{7, std::string(name)};
  }
  boost::asio::awaitable<Result<std::vector<model::Tag>>> list_tags() override { co_return std::vector<model::Tag>{}; }
  // The account behind the token; fakes that stand for one account share a key.
  connector::CapsuleAccount site{"capsule.test/acme", "acme", "Acme"};
  boost::asio::awaitable<Result<connector::CapsuleAccount>> account() override { co_return site; }
  boost::asio::awaitable<Result<connector::Page<model::Opportunity>>> list_opportunities(
      connector::ListRequest r) override {
    connector::Page<model::Opportunity> page;
    std::optional<model::Timestamp> from;
    if (!r.cursor.empty()) from = *model::parse_timestamp(r.cursor);
    for (const auto& [id, o] : opportunities)
      if (!from || *o.updated_at >= *from) page.items.push_back(o);
    page.cursor = connector::keep_new(page.items, from, r.cursor);
    co_return page;
  }
  boost::asio::awaitable<Result<std::vector<model::Milestone>>> list_milestones() override {
    ++milestone_reads;
    co_return milestones;
  }
  boost::asio::awaitable<Result<model::Opportunity>> get_opportunity(model::OpportunityId id) override {
    ++opportunity_reads;
    auto it = opportunities.find(id);
    if (it == opportunities.end()) co_return make_error(Errc::not_found, "opportunity {} not found", id);
    co_return it->second;
  }
  // R22: notes on opportunities live in `notes` too (party_id 0), their opportunity here.
  std::map<std::int64_t, model::OpportunityId> note_opportunity;
  int opportunity_reads = 0;
  bool lose_next_opportunity_note_answer = false;
  std::vector<connector::Note> notes_on(model::OpportunityId id) const {
    std::vector<connector::Note> out;
    for (auto it = notes.rbegin(); it != notes.rend(); ++it)
      if (note_opportunity.count(it->first) && note_opportunity.at(it->first) == id) out.push_back(it->second);
    return out;
  }
  boost::asio::awaitable<Result<std::vector<connector::Note>>> list_opportunity_notes(
      model::OpportunityId id) override {
    if (!opportunities.count(id)) co_return make_error(Errc::not_found, "opportunity {} not found", id);
    co_return notes_on(id);
  }
  boost::asio::awaitable<Result<connector::Note>> create_opportunity_note(model::OpportunityId id,
                                                                          std::string_view content) override {
    if (!opportunities.count(id)) co_return make_error(Errc::not_found, "opportunity {} not found", id);
    ++writes;
    connector::Note n{next_item_++, 0, std::string(content)};
    notes[n.id] = n;
    note_opportunity[n.id] = id;
    if (lose_next_opportunity_note_answer) {
      lose_next_opportunity_note_answer = false;
      co_return make_error(Errc::io, "connection reset by peer");
    }
    co_return n;
  }
  boost::asio::awaitable<Status> tag_opportunity(model::OpportunityId id, std::string_view name) override {
    auto it = opportunities.find(id);
    if (it == opportunities.end()) co_return make_error(Errc::not_found, "opportunity {} not found", id);
    ++writes;
    if (!it->second.has_tag(name)) it->second.tags.push_back({next_item_++, std::string(name)});
    it->second.updated_at = clock_.tick();
    co_return Status{};
  }
  boost::asio::awaitable<Result<std::vector<connector::Note>>> list_notes(model::PartyId party) override {
    ++note_listings;
    if (!parties.count(party)) co_return make_error(Errc::not_found, "party {} not found", party);
    std::vector<connector::Note> out;
    for (auto it = notes.rbegin(); it != notes.rend(); ++it)  // newest first, as Capsule lists entries
      if (it->second.party_id == party) out.push_back(it->second);
    co_return out;
  }
  boost::asio::awaitable<Result<connector::Note>> create_note(model::PartyId party, std::string_view content) override {
    ++writes;
    connector::Note n{next_item_++, party, std::string(content)};
    notes[n.id] = n;
    if (lose_next_note_answer) {
      lose_next_note_answer = false;
      co_return make_error(Errc::io, "connection reset by peer");
    }
    co_return n;
  }
  boost::asio::awaitable<Result<connector::Note>> update_note(std::int64_t id, std::string_view content) override {
    if (!notes.count(id)) co_return make_error(Errc::not_found, "note {} not found", id);
    ++writes;
    notes[id].content = std::string(content);
    co_return notes[id];
  }
  boost::asio::awaitable<Status> delete_note(std::int64_t id) override {
    ++writes;
    notes.erase(id);
    co_return Status{};
  }

 private:
  FakeClock& clock_;
  model::PartyId next_id_ = 100;
  std::int64_t next_item_ = 5000;
};

class FakeAccounting final : public connector::AccountingConnector {
 public:
  explicit FakeAccounting(FakeClock& clock) : clock_(clock) {}

  std::map<std::string, model::Contact> contacts;
  std::map<std::string, model::Invoice> invoices;
  std::vector<connector::ContactUpdate> updates;
  std::vector<model::ContactDetails> created;  // create_contact specs, in order
  std::vector<std::string> idempotency_keys;
  bool lose_next_create_answer = false;  // the next create succeeds but its answer is lost (network)
  int writes = 0;
  // Quotes (R18): read only when quotes_read, as a service with a quote API answers.
  bool quotes_read = false;
  bool quotes_write = false;
  bool quotes_update = false;  // drafts are kept and update_quote changes them (R21)
  std::map<std::string, model::Quote> quotes;
  std::vector<std::pair<std::string, model::QuoteSpec>> quote_updates;  // update_quote calls, in order
  std::vector<std::string> quote_cursors;  // the cursor of each list_quotes call, in order
  std::vector<model::QuoteSpec> quote_specs;     // create_quote specs, in order
  std::vector<std::string> quote_keys;           // their idempotency keys
  bool lose_next_quote_answer = false;           // the next quote create succeeds, its answer is lost
  std::string refuse_quote;                      // non-empty: quote creates are refused with this reason
  model::QuoteStatus created_quote_status = model::QuoteStatus::draft;  // KashFlow: sent, it keeps no drafts

  // A quote of `total` GBP for `contact`, issued 2024-06-01 and expiring on `expiry`.
  model::Quote& add_quote(std::string id, std::string contact, model::QuoteStatus status, std::string_view total,
                          std::string_view expiry) {
    model::Quote q;
    q.remote_id = id;
    q.contact_remote_id = std::move(contact);
    q.number = "QU-" + id;
    q.status = status;
    q.currency = "GBP";
    q.total = *model::Money::parse(total, "GBP");
    q.issue_date = *model::parse_date("2024-06-01");
    q.expiry_date = *model::parse_date(expiry);
    q.url = "https://acc.example/quote/" + id;
    q.updated_at = clock_.tick();
    return quotes[id] = q;
  }
  void set_quote_status(const std::string& id, model::QuoteStatus status) {
    quotes.at(id).status = status;
    quotes.at(id).updated_at = clock_.tick();
  }

  model::Contact& add_contact(std::string id, std::string name) {
    model::Contact c;
    c.remote_id = id;
    c.name = std::move(name);
    c.updated_at = clock_.tick();
    return contacts[id] = c;
  }
  void touch(const std::string& id) { contacts.at(id).updated_at = clock_.tick(); }
  // An invoice of `amount_due` GBP due on `due` ("YYYY-MM-DD").
  model::Invoice& add_invoice(std::string id, std::string contact, model::InvoiceStatus status,
                              std::string_view amount_due, std::string_view due) {
    model::Invoice inv;
    inv.remote_id = id;
    inv.contact_remote_id = std::move(contact);
    inv.number = "INV-" + id;
    inv.status = status;
    inv.currency = "GBP";
    inv.total = *model::Money::parse("100.00", "GBP");
    inv.amount_due = *model::Money::parse(amount_due, "GBP");
    inv.amount_paid = *inv.total.subtract(inv.amount_due);
    inv.issue_date = *model::parse_date("2024-05-01");
    inv.due_date = *model::parse_date(due);
    inv.updated_at = clock_.tick();
    return invoices[id] = inv;
  }

  std::string_view provider() const override { return "xero"; }
  connector::Capabilities capabilities() const override {
    connector::Capabilities c;
    c.quotes_read = quotes_read;
    c.quotes_write = quotes_write;
    c.quotes_update = quotes_update;
    return c;
  }
  boost::asio::awaitable<Result<connector::Tenant>> tenant() override { co_return connector::Tenant{"t", "Demo"}; }
  void forget_tenant() override {}

  template <typename T>
  static connector::Page<T> since(const std::map<std::string, T>& all, const std::string& cursor) {
    connector::Page<T> page;
    std::optional<model::Timestamp> from;
    if (!cursor.empty()) from = *model::parse_timestamp(cursor);
    model::Timestamp high = from.value_or(model::Timestamp{});
    for (const auto& [id, item] : all) {
      if (from && *item.updated_at < *from) continue;
      page.items.push_back(item);
      high = std::max(high, *item.updated_at);
    }
    page.cursor = model::format_timestamp(high);
    return page;
  }
  boost::asio::awaitable<Result<connector::Page<model::Contact>>> list_contacts(connector::ListRequest r) override {
    co_return since(contacts, r.cursor);
  }
  boost::asio::awaitable<Result<connector::Page<model::Invoice>>> list_invoices(connector::ListRequest r,
                                                                                bool) override {
    co_return since(invoices, r.cursor);
  }
  boost::asio::awaitable<Result<connector::Page<model::Quote>>> list_quotes(connector::ListRequest r) override {
    if (!quotes_read) co_return make_error(Errc::unsupported, "no quotes");
    quote_cursors.push_back(r.cursor);
    co_return since(quotes, r.cursor);
  }
  boost::asio::awaitable<Result<model::Quote>> create_quote(const model::QuoteSpec& spec,
                                                            std::string_view key) override {
    if (!refuse_quote.empty()) co_return make_error(Errc::invalid_argument, "{}", refuse_quote);
    ++writes;
    quote_specs.push_back(spec);
    quote_keys.emplace_back(key);
    auto total = model::Money(spec.unit_amount.units() * spec.quantity, spec.currency);
    auto& q = add_quote("dq-" + std::to_string(quotes.size() + 1), spec.contact_remote_id, created_quote_status,
                        total.to_string(), model::format_date(spec.expiry_date));
    q.reference = spec.reference;
    q.title = spec.title;
    if (lose_next_quote_answer) {
      lose_next_quote_answer = false;
      co_return make_error(Errc::io, "connection reset by peer");
    }
    co_return q;
  }
  // As Xero answers: only a draft changes; every text field is replaced.
  boost::asio::awaitable<Result<model::Quote>> update_quote(std::string_view id,
                                                            const model::QuoteSpec& spec) override {
    auto it = quotes.find(std::string(id));
    if (it == quotes.end()) co_return make_error(Errc::not_found, "quote {} not found", id);
    if (it->second.status != model::QuoteStatus::draft)
      co_return make_error(Errc::conflict, "quote {} is {}: only a draft is updated", id,
                           model::display_name(it->second.status));
    ++writes;
    quote_updates.emplace_back(std::string(id), spec);
    auto& q = it->second;
    q.title = spec.title;
    q.summary = spec.summary;
    q.reference = spec.reference;
    q.total = model::Money(spec.unit_amount.units() * spec.quantity, spec.currency);
    q.currency = spec.currency;
    q.expiry_date = spec.expiry_date;
    q.updated_at = clock_.tick();
    co_return q;
  }
  boost::asio::awaitable<Result<std::vector<model::Quote>>> find_quotes_by_reference(std::string_view ref) override {
    std::vector<model::Quote> out;
    for (const auto& [id, q] : quotes)
      if (q.reference == ref) out.push_back(q);
    co_return out;
  }
  boost::asio::awaitable<Result<model::Contact>> get_contact(std::string_view id) override {
    auto it = contacts.find(std::string(id));
    if (it == contacts.end()) co_return make_error(Errc::not_found, "contact {} not found", id);
    co_return it->second;
  }
  boost::asio::awaitable<Result<model::Contact>> create_contact(const model::ContactDetails& spec,
                                                                std::string_view idempotency_key) override {
    for (const auto& [id, c] : contacts)
      if (model::exact_key(c.name) == model::exact_key(spec.name))
        co_return make_error(Errc::conflict, "a contact named '{}' already exists", spec.name);
    ++writes;
    created.push_back(spec);
    idempotency_keys.emplace_back(idempotency_key);
    auto& c = add_contact("new-" + std::to_string(contacts.size()), spec.name);
    c.kind = spec.kind;
    c.first_name = spec.first_name;
    c.last_name = spec.last_name;
    c.contact_person = spec.contact_person;
    if (lose_next_create_answer) {
      lose_next_create_answer = false;
      co_return make_error(Errc::io, "connection reset by peer");
    }
    co_return c;
  }
  boost::asio::awaitable<Result<model::Contact>> update_contact(std::string_view id,
                                                                const connector::ContactUpdate& update) override {
    auto it = contacts.find(std::string(id));
    if (it == contacts.end()) co_return make_error(Errc::not_found, "contact {} not found", id);
    ++writes;
    updates.push_back(update);
    auto& c = it->second;
    c.name = update.desired.name;
    c.phones.clear();
    if (!update.desired.phone.empty()) c.phones.push_back({std::nullopt, model::PhoneKind::main, update.desired.phone});
    c.emails.clear();
    if (!update.desired.email.empty()) c.emails.push_back(update.desired.email);
    c.updated_at = clock_.tick();
    co_return c;
  }
  boost::asio::awaitable<Result<std::vector<model::Contact>>> find_contacts_by_name(std::string_view name) override {
    std::vector<model::Contact> out;
    for (const auto& [id, c] : contacts)
      if (model::exact_key(c.name) == model::exact_key(name)) out.push_back(c);
    co_return out;
  }
  std::string invoice_url(const model::Invoice& inv) const override { return "https://acc.example/inv/" + inv.remote_id; }
  std::string new_invoice_url(std::string_view id) const override { return "https://acc.example/new?c=" + std::string(id); }

 private:
  FakeClock& clock_;
};

}  // namespace capsync::test
