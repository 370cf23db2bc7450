#include "core/engine/plan_connectors.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace capsync::engine {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kPlannedContact = "plan-new-";

std::string quoted(std::string_view text) { return fmt::format("'{}'", text); }

std::string change(std::string_view what, std::string_view before, std::string_view after) {
  return fmt::format("{}: {} -> {}", what, quoted(before), quoted(after));
}

// What a created party starts with, one line per detail it carries.
std::vector<std::string> describe_spec(const model::PartySpec& spec) {
  std::vector<std::string> out{fmt::format("{} {}", model::to_string(spec.type), quoted(spec.display_name()))};
  for (const auto& e : spec.emails) out.push_back(fmt::format("email {}", quoted(e.address)));
  for (const auto& p : spec.phones) out.push_back(fmt::format("{} phone {}", model::to_string(p.kind), quoted(p.number)));
  for (const auto& a : spec.addresses)
    if (!a.empty()) out.push_back(fmt::format("address {}", quoted(a.city.empty() ? a.street : a.city)));
  for (const auto& w : spec.websites) out.push_back(fmt::format("website {}", quoted(w.address)));
  if (spec.team) out.push_back(fmt::format("team {}", quoted(spec.team->name)));
  return out;
}

model::Party party_from_spec(model::PartyId id, const model::PartySpec& spec) {
  model::Party p;
  p.id = id;
  p.type = spec.type;
  p.name = spec.name;
  p.first_name = spec.first_name;
  p.last_name = spec.last_name;
  p.emails = spec.emails;
  p.phones = spec.phones;
  p.addresses = spec.addresses;
  p.websites = spec.websites;
  p.team = spec.team;
  p.fields = spec.fields;
  for (const auto& tag : spec.tags) p.tags.push_back(model::Tag{std::nullopt, tag});
  return p;
}

// The party as Capsule would save it after `patch`.
model::Party apply(model::Party party, const connector::PartyPatch& patch) {
  if (patch.name) party.name = *patch.name;
  if (patch.first_name) party.first_name = *patch.first_name;
  if (patch.last_name) party.last_name = *patch.last_name;
  if (patch.emails) party.emails = *patch.emails;
  if (patch.phones) party.phones = *patch.phones;
  if (patch.addresses) party.addresses = *patch.addresses;
  if (patch.websites) party.websites = *patch.websites;
  if (patch.team) party.team = patch.team;
  for (const auto& set : patch.set_fields) {
    auto it = std::find_if(party.fields.begin(), party.fields.end(),
                           [&](const model::CustomFieldValue& f) { return f.definition_id == set.definition_id; });
    if (it != party.fields.end() && set.value.empty()) party.fields.erase(it);
    else if (it != party.fields.end()) it->value = set.value;
    else if (!set.value.empty()) party.fields.push_back(set);
  }
  for (const auto& tag : patch.remove_tags)
    std::erase_if(party.tags, [&](const model::Tag& t) { return t.name == tag; });
  for (const auto& tag : patch.add_tags)
    if (!party.has_tag(tag)) party.tags.push_back(model::Tag{std::nullopt, tag});
  return party;
}

// What an accounting contact says, in the fields a push or export writes.
model::ContactDetails details_of(const model::Contact& c) {
  model::ContactDetails d;
  d.kind = c.kind;
  d.name = c.display_name();
  d.first_name = c.first_name;
  d.last_name = c.last_name;
  d.contact_person = c.contact_person;
  d.email = c.emails.empty() ? "" : c.emails.front();
  for (const auto& p : c.phones) {
    std::string* slot = p.kind == model::PhoneKind::mobile ? &d.mobile
                        : p.kind == model::PhoneKind::fax  ? &d.fax
                                                           : &d.phone;
    if (slot->empty()) *slot = p.number;
  }
  d.website = c.website;
  if (!c.addresses.empty()) d.address = c.addresses.front();
  return d;
}

std::string address_text(const std::optional<model::Address>& a) {
  if (!a || a->empty()) return {};
  std::vector<std::string> parts;
  for (const auto* part : {&a->street, &a->city, &a->state, &a->zip, &a->country})
    if (!part->empty()) parts.push_back(*part);
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string person_text(const std::optional<model::ContactPerson>& p) {
  if (!p || p->empty()) return {};
  std::string name = p->first_name + (p->first_name.empty() || p->last_name.empty() ? "" : " ") + p->last_name;
  return p->email.empty() ? name : fmt::format("{} <{}>", name, p->email);
}

struct DetailField {
  std::string_view name;
  std::string (*get)(const model::ContactDetails&);
};

const std::vector<DetailField>& detail_fields() {
  static const std::vector<DetailField> fields{
      {"name", [](const model::ContactDetails& d) { return d.name; }},
      {"first name", [](const model::ContactDetails& d) { return d.first_name; }},
      {"last name", [](const model::ContactDetails& d) { return d.last_name; }},
      {"contact person", [](const model::ContactDetails& d) { return person_text(d.contact_person); }},
      {"email", [](const model::ContactDetails& d) { return d.email; }},
      {"phone", [](const model::ContactDetails& d) { return d.phone; }},
      {"mobile", [](const model::ContactDetails& d) { return d.mobile; }},
      {"fax", [](const model::ContactDetails& d) { return d.fax; }},
      {"website", [](const model::ContactDetails& d) { return d.website; }},
      {"address", [](const model::ContactDetails& d) { return address_text(d.address); }},
  };
  return fields;
}

// R10: the fields a push changes — those that differ from the contact as read and, when the
// last push is known, that Capsule changed since (the others keep the accounting side's value).
std::vector<std::string> push_changes(const connector::ContactUpdate& update) {
  const model::ContactDetails current = update.current ? details_of(*update.current) : model::ContactDetails{};
  std::vector<std::string> out;
  for (const auto& f : detail_fields()) {
    const std::string want = f.get(update.desired);
    if (f.name == "contact person" && !update.desired.contact_person) continue;  // left alone
    if (want == f.get(current)) continue;
    if (update.previous && want == f.get(*update.previous)) continue;
    out.push_back(change(f.name, f.get(current), want));
  }
  return out;
}

std::vector<std::string> export_fields(const model::ContactDetails& spec) {
  std::vector<std::string> out;
  for (const auto& f : detail_fields()) {
    const std::string value = f.get(spec);
    if (!value.empty()) out.push_back(fmt::format("{} {}", f.name, quoted(value)));
  }
  return out;
}

model::Contact contact_from(std::string remote_id, const model::ContactDetails& d, model::Contact base) {
  base.remote_id = std::move(remote_id);
  base.kind = d.kind;
  base.name = d.name;
  base.first_name = d.first_name;
  base.last_name = d.last_name;
  if (d.contact_person) base.contact_person = d.contact_person;
  base.emails = d.email.empty() ? std::vector<std::string>{} : std::vector<std::string>{d.email};
  base.phones.clear();
  if (!d.phone.empty()) base.phones.push_back({std::nullopt, model::PhoneKind::main, d.phone});
  if (!d.mobile.empty()) base.phones.push_back({std::nullopt, model::PhoneKind::mobile, d.mobile});
  if (!d.fax.empty()) base.phones.push_back({std::nullopt, model::PhoneKind::fax, d.fax});
  base.website = d.website;
  base.addresses.clear();
  if (d.address) base.addresses.push_back(*d.address);
  return base;
}

// R19: quantity × unit amount is the opportunity's value, exactly.
model::Money total_of(const model::QuoteSpec& spec) {
  return model::Money(spec.unit_amount.units() * spec.quantity, spec.unit_amount.currency());
}

// The draft a service would answer a create or update of `spec` with.
model::Quote draft_from(std::string remote_id, const model::QuoteSpec& spec) {
  model::Quote q;
  q.remote_id = std::move(remote_id);
  q.contact_remote_id = spec.contact_remote_id;
  q.reference = spec.reference;
  q.title = spec.title;
  q.summary = spec.summary;
  q.status = model::QuoteStatus::draft;
  q.issue_date = spec.issue_date;
  q.expiry_date = spec.expiry_date;
  q.currency = spec.currency;
  q.total = total_of(spec);
  return q;
}

}  // namespace

PlanEntry& entry_for_party(std::vector<PlanEntry>& entries, model::PartyId party, std::string_view name) {
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&](const PlanEntry& e) { return e.party && e.party->id == party; });
  if (it != entries.end()) return *it;
  entries.push_back(PlanEntry{PlanParty{party, std::string(name)}, std::nullopt, {}});
  return entries.back();
}

// --- PlanCapsule ---------------------------------------------------------------------------

std::string PlanCapsule::party_name(model::PartyId party) const {
  if (auto it = created_.find(party); it != created_.end()) return it->second.display_name();
  return lookups_.party_name ? lookups_.party_name(party) : std::string();
}

std::string PlanCapsule::field_name(std::int64_t definition_id) const {
  auto it = field_names_.find(definition_id);
  return it != field_names_.end() ? it->second : fmt::format("custom field {}", definition_id);
}

asio::awaitable<Result<connector::Page<model::Party>>> PlanCapsule::list_parties(connector::ListRequest request) {
  ++plan_.reads;
  co_return co_await real_.list_parties(std::move(request));
}

asio::awaitable<Result<std::vector<connector::DeletedParty>>> PlanCapsule::list_deleted_parties(model::Timestamp since) {
  ++plan_.reads;
  co_return co_await real_.list_deleted_parties(since);
}

asio::awaitable<Result<model::Party>> PlanCapsule::get_party(model::PartyId id) {
  if (auto it = created_.find(id); it != created_.end()) co_return it->second;
  ++plan_.reads;
  co_return co_await real_.get_party(id);
}

asio::awaitable<Result<std::vector<model::Party>>> PlanCapsule::get_parties(std::span<const model::PartyId> ids) {
  std::vector<model::Party> out;
  std::vector<model::PartyId> remote;
  for (auto id : ids) {
    if (auto it = created_.find(id); it != created_.end()) out.push_back(it->second);
    else remote.push_back(id);
  }
  if (!remote.empty()) {
    ++plan_.reads;
    auto read = co_await real_.get_parties(remote);
    if (!read) co_return read.error();
    for (auto& p : *read) out.push_back(std::move(p));
  }
  co_return out;
}

asio::awaitable<Result<model::Party>> PlanCapsule::create_party(const model::PartySpec& spec) {
  const model::PartyId id = -static_cast<model::PartyId>(created_.size() + 1);
  auto party = party_from_spec(id, spec);
  created_.emplace(id, party);
  auto changes = describe_spec(spec);
  for (const auto& set : spec.fields) changes.push_back(change(field_name(set.definition_id), "", set.value));
  for (const auto& tag : spec.tags) changes.push_back(fmt::format("add tag {}", quoted(tag)));
  plan_.create_in_capsule.push_back(PlanEntry{PlanParty{id, spec.display_name()}, std::nullopt, std::move(changes)});
  co_return party;
}

asio::awaitable<Result<model::Party>> PlanCapsule::update_party(const model::Party& current,
                                                                const connector::PartyPatch& patch) {
  auto& changes = entry_for_party(plan_.update_in_capsule, current.id, current.display_name()).changes;
  for (const auto& set : patch.set_fields) {
    const auto* had = current.field(set.definition_id);
    changes.push_back(change(field_name(set.definition_id), had ? had->value : "", set.value));
  }
  for (const auto& tag : patch.add_tags) changes.push_back(fmt::format("add tag {}", quoted(tag)));
  for (const auto& tag : patch.remove_tags) changes.push_back(fmt::format("remove tag {}", quoted(tag)));
  if (patch.name) changes.push_back(change("name", current.name, *patch.name));
  if (patch.first_name) changes.push_back(change("first name", current.first_name, *patch.first_name));
  if (patch.last_name) changes.push_back(change("last name", current.last_name, *patch.last_name));
  if (patch.emails || patch.phones || patch.addresses || patch.websites) changes.push_back("contact details");
  if (patch.team) changes.push_back(fmt::format("team {}", quoted(patch.team->name)));
  auto saved = apply(current, patch);
  if (auto it = created_.find(current.id); it != created_.end()) it->second = saved;
  co_return saved;
}

asio::awaitable<Result<std::vector<connector::FieldDefinition>>> PlanCapsule::field_definitions() {
  ++plan_.reads;
  auto defs = co_await real_.field_definitions();
  if (defs)
    for (const auto& d : *defs) field_names_.emplace(d.id, d.name);
  co_return defs;
}

asio::awaitable<Result<std::int64_t>> PlanCapsule::resolve_field(std::string_view name, connector::FieldType type) {
  ++plan_.reads;
  auto id = co_await real_.resolve_field(name, type);
  if (id) field_names_[*id] = std::string(name);
  co_return id;
}

asio::awaitable<Result<model::TeamRef>> PlanCapsule::resolve_team(std::string_view name) {
  ++plan_.reads;
  co_return co_await real_.resolve_team(name);
}

asio::awaitable<Result<std::vector<model::Tag>>> PlanCapsule::list_tags() {
  ++plan_.reads;
  co_return co_await real_.list_tags();
}

asio::awaitable<Result<connector::CapsuleAccount>> PlanCapsule::account() {
  ++plan_.reads;
  co_return co_await real_.account();
}

asio::awaitable<Result<std::vector<connector::Note>>> PlanCapsule::list_notes(model::PartyId party) {
  if (created_.contains(party)) co_return std::vector<connector::Note>{};
  ++plan_.reads;
  auto notes = co_await real_.list_notes(party);
  if (notes)
    for (const auto& n : *notes) note_party_[n.id] = party;
  co_return notes;
}

asio::awaitable<Result<connector::Note>> PlanCapsule::create_note(model::PartyId party, std::string_view content) {
  entry_for_party(plan_.update_in_capsule, party, party_name(party)).changes.push_back("add the invoice note");
  const std::int64_t id = next_note_--;
  note_party_[id] = party;
  co_return connector::Note{id, party, std::string(content)};
}

std::optional<model::OpportunityId> PlanCapsule::opportunity_of_note(std::int64_t note_id) const {
  if (auto it = note_opportunity_.find(note_id); it != note_opportunity_.end()) return it->second;
  return lookups_.note_opportunity ? lookups_.note_opportunity(note_id) : std::nullopt;
}

asio::awaitable<Result<connector::Note>> PlanCapsule::update_note(std::int64_t note_id, std::string_view content) {
  if (auto opportunity = opportunity_of_note(note_id)) {
    plan_.quotes.push_back(PlanEntry{std::nullopt, std::nullopt,
                                     {fmt::format("would update the quote note on opportunity #{} (note {})",
                                                  *opportunity, note_id)}});
    co_return connector::Note{note_id, 0, std::string(content)};
  }
  std::optional<model::PartyId> party;
  if (auto it = note_party_.find(note_id); it != note_party_.end()) party = it->second;
  else if (lookups_.note_party) party = lookups_.note_party(note_id);
  const model::PartyId on = party.value_or(0);
  entry_for_party(plan_.update_in_capsule, on, party ? party_name(on) : "").changes.push_back(
      fmt::format("update the invoice note (note {})", note_id));
  co_return connector::Note{note_id, on, std::string(content)};
}

asio::awaitable<Status> PlanCapsule::delete_note(std::int64_t note_id) {
  std::optional<model::PartyId> party;
  if (auto it = note_party_.find(note_id); it != note_party_.end()) party = it->second;
  else if (lookups_.note_party) party = lookups_.note_party(note_id);
  const model::PartyId on = party.value_or(0);
  entry_for_party(plan_.update_in_capsule, on, party ? party_name(on) : "").changes.push_back(
      fmt::format("remove the invoice note (note {})", note_id));
  co_return Status{};
}

asio::awaitable<Result<connector::Page<model::Opportunity>>> PlanCapsule::list_opportunities(
    connector::ListRequest request) {
  ++plan_.reads;
  co_return co_await real_.list_opportunities(std::move(request));
}

asio::awaitable<Result<std::vector<connector::DeletedParty>>> PlanCapsule::list_deleted_opportunities(
    model::Timestamp since) {
  ++plan_.reads;
  co_return co_await real_.list_deleted_opportunities(since);
}

asio::awaitable<Result<std::vector<model::Milestone>>> PlanCapsule::list_milestones() {
  ++plan_.reads;
  co_return co_await real_.list_milestones();
}

asio::awaitable<Result<model::Opportunity>> PlanCapsule::get_opportunity(model::OpportunityId id) {
  ++plan_.reads;
  co_return co_await real_.get_opportunity(id);
}

asio::awaitable<Result<std::vector<connector::Note>>> PlanCapsule::list_opportunity_notes(model::OpportunityId id) {
  ++plan_.reads;
  auto notes = co_await real_.list_opportunity_notes(id);
  if (notes)
    for (const auto& n : *notes) note_opportunity_[n.id] = id;
  co_return notes;
}

asio::awaitable<Result<connector::Note>> PlanCapsule::create_opportunity_note(model::OpportunityId id,
                                                                             std::string_view content) {
  plan_.quotes.push_back(
      PlanEntry{std::nullopt, std::nullopt, {fmt::format("would add the quote note on opportunity #{}", id)}});
  const std::int64_t note = next_note_--;
  note_opportunity_[note] = id;
  co_return connector::Note{note, 0, std::string(content)};
}

asio::awaitable<Status> PlanCapsule::tag_opportunity(model::OpportunityId id, std::string_view name) {
  plan_.quotes.push_back(
      PlanEntry{std::nullopt, std::nullopt, {fmt::format("would add tag {} to opportunity #{}", quoted(name), id)}});
  co_return Status{};
}

// --- PlanAccounting ------------------------------------------------------------------------

bool PlanAccounting::planned_id(std::string_view remote_id) { return remote_id.starts_with(kPlannedContact); }

asio::awaitable<Result<connector::Tenant>> PlanAccounting::tenant() {
  ++plan_.reads;
  co_return co_await real_.tenant();
}

asio::awaitable<Result<connector::Page<model::Contact>>> PlanAccounting::list_contacts(connector::ListRequest request) {
  ++plan_.reads;
  co_return co_await real_.list_contacts(std::move(request));
}

asio::awaitable<Result<connector::Page<model::Invoice>>> PlanAccounting::list_invoices(connector::ListRequest request,
                                                                                      bool include_purchase) {
  ++plan_.reads;
  co_return co_await real_.list_invoices(std::move(request), include_purchase);
}

asio::awaitable<Result<connector::Page<model::Quote>>> PlanAccounting::list_quotes(connector::ListRequest request) {
  ++plan_.reads;
  co_return co_await real_.list_quotes(std::move(request));
}

void PlanAccounting::record_quote(const model::QuoteSpec& spec, std::string change) {
  const std::string name = contact_name_ ? contact_name_(spec.contact_remote_id) : std::string();
  plan_.quotes.push_back(PlanEntry{std::nullopt, PlanContact{spec.contact_remote_id, name}, {std::move(change)}});
}

std::string PlanAccounting::describe_quote(const model::QuoteSpec& spec) const {
  std::string_view what = spec.reference;
  if (what.starts_with("Capsule ")) what.remove_prefix(8);  // "opportunity #12"
  std::string contact = contact_name_ ? contact_name_(spec.contact_remote_id) : std::string();
  if (auto it = created_.find(spec.contact_remote_id); it != created_.end()) contact = it->second.display_name();
  if (contact.empty()) contact = spec.contact_remote_id;
  return fmt::format("{} {} → {}, {}", what, quoted(spec.title), contact, total_of(spec).to_display_with_currency());
}

asio::awaitable<Result<model::Quote>> PlanAccounting::create_quote(const model::QuoteSpec& spec, std::string_view) {
  record_quote(spec, fmt::format("would draft a quote for {}", describe_quote(spec)));
  co_return draft_from(fmt::format("plan-quote-{}", plan_.quotes.size()), spec);
}

// R21 (a draft following its opportunity) is recorded the same way.
asio::awaitable<Result<model::Quote>> PlanAccounting::update_quote(std::string_view remote_id,
                                                                  const model::QuoteSpec& spec) {
  record_quote(spec, fmt::format("would update draft quote {} for {}", remote_id, describe_quote(spec)));
  co_return draft_from(std::string(remote_id), spec);
}

asio::awaitable<Result<std::vector<model::Quote>>> PlanAccounting::find_quotes_by_reference(std::string_view reference) {
  ++plan_.reads;
  co_return co_await real_.find_quotes_by_reference(reference);
}

asio::awaitable<Result<model::Contact>> PlanAccounting::get_contact(std::string_view remote_id) {
  if (auto it = created_.find(remote_id); it != created_.end()) co_return it->second;
  ++plan_.reads;
  co_return co_await real_.get_contact(remote_id);
}

asio::awaitable<Result<model::Contact>> PlanAccounting::create_contact(const model::ContactDetails& spec,
                                                                      std::string_view) {
  std::string id = fmt::format("{}{}", kPlannedContact, created_.size() + 1);
  auto contact = contact_from(id, spec, model::Contact{});
  created_.emplace(id, contact);
  plan_.export_contacts.push_back(PlanEntry{std::nullopt, PlanContact{id, spec.name}, export_fields(spec)});
  co_return contact;
}

asio::awaitable<Result<model::Contact>> PlanAccounting::update_contact(std::string_view remote_id,
                                                                      const connector::ContactUpdate& update) {
  auto changes = push_changes(update);
  model::Contact base = update.current.value_or(model::Contact{});
  if (!changes.empty()) {
    const std::string name = update.current ? update.current->display_name() : update.desired.name;
    plan_.push.push_back(PlanEntry{std::nullopt, PlanContact{std::string(remote_id), name}, std::move(changes)});
  }
  co_return contact_from(std::string(remote_id), update.desired, std::move(base));
}

asio::awaitable<Result<std::vector<model::Contact>>> PlanAccounting::find_contacts_by_name(std::string_view name) {
  ++plan_.reads;
  co_return co_await real_.find_contacts_by_name(name);
}

}  // namespace capsync::engine
