#pragma once
// Builders for sync tests, and a World that applies actions the way the job runner would, so
// tests can check idempotence (a second pass over the same input decides nothing).

#include <map>
#include <string>
#include <variant>

#include "core/model/money.hpp"
#include "core/sync/reconciler.hpp"

namespace capsync::sync::test {

using namespace capsync::model;

inline Date day(const char* text) { return *parse_date(text); }

inline Contact org_contact(std::string id, std::string name) {
  Contact c;
  c.remote_id = std::move(id);
  c.name = std::move(name);
  return c;
}

inline Contact person_contact(std::string id, std::string first, std::string last) {
  Contact c;
  c.remote_id = std::move(id);
  c.kind = ContactKind::person;
  c.first_name = std::move(first);
  c.last_name = std::move(last);
  return c;
}

inline Invoice invoice(std::string id, std::string contact, InvoiceStatus status, const char* due_amount = "0",
                       const char* total = "100", std::string currency = "GBP") {
  Invoice i;
  i.remote_id = std::move(id);
  i.contact_remote_id = std::move(contact);
  i.number = "INV-" + i.remote_id;
  i.status = status;
  i.currency = currency;
  i.total = *Money::parse(total, currency);
  i.amount_due = *Money::parse(due_amount, currency);
  i.amount_paid = *i.total.subtract(i.amount_due);
  return i;
}

inline Party org_party(PartyId id, std::string name) {
  Party p;
  p.id = id;
  p.type = PartyType::organisation;
  p.name = std::move(name);
  return p;
}

inline Party person_party(PartyId id, std::string first, std::string last) {
  Party p;
  p.id = id;
  p.type = PartyType::person;
  p.first_name = std::move(first);
  p.last_name = std::move(last);
  return p;
}

// The store and both services, in memory; apply() executes actions like the job runner.
struct World {
  InMemoryBindings bindings;
  InMemoryPartyIndex index;
  InMemoryContactNameIndex names;
  InMemoryConflictLog conflicts;
  std::map<PartyId, Party> capsule;
  std::map<PartyId, SummaryWrite> summaries;
  std::map<std::string, ContactDetails> pushed;
  PartyId next_party = 9000;
  int next_remote = 1;

  ReconcileViews views() const { return ReconcileViews{bindings, index, names, conflicts}; }

  void add_party(Party p) {
    index.add(p);
    capsule[p.id] = std::move(p);
  }

  Party create(const PartySpec& spec) {
    Party p;
    p.id = next_party++;
    p.type = spec.type;
    p.name = spec.name;
    p.first_name = spec.first_name;
    p.last_name = spec.last_name;
    p.emails = spec.emails;
    p.phones = spec.phones;
    p.addresses = spec.addresses;
    p.websites = spec.websites;
    p.team = spec.team;
    add_party(p);
    return p;
  }

  void apply(const std::vector<Action>& actions) {
    for (const auto& a : actions) std::visit([this](const auto& x) { on(x); }, a);
  }

  void on(const LinkParty& a) { bindings.put(Binding{a.party_id, a.remote_id, a.role, {}, {}}); }
  void on(const CreateParty& a) {
    auto p = create(a.spec);
    bindings.put(Binding{p.id, a.remote_id, a.role, a.pushed_hash, {}});
  }
  void on(const RecreateParty& a) {
    auto old = *bindings.find_by_remote_id(a.remote_id).value();
    auto p = create(a.spec);
    bindings.put(Binding{p.id, a.remote_id, old.role, a.pushed_hash, {}});
  }
  void on(const Unlink& a) { bindings.erase_remote_id(a.remote_id); }
  void on(const UpdateSummary& a) {
    auto b = *bindings.find_by_remote_id(a.remote_id).value();
    summaries[b.party_id] = a.summary;
    b.summary_hash = a.hash;
    bindings.put(b);
  }
  void on(const PushContact& a) {
    pushed[a.remote_id] = a.update;
    auto b = *bindings.find_by_remote_id(a.remote_id).value();
    b.pushed_hash = a.hash;
    bindings.put(b);
  }
  void on(const RememberPushed& a) {
    auto b = *bindings.find_by_remote_id(a.remote_id).value();
    b.pushed_hash = a.hash;
    bindings.put(b);
  }
  void on(const ExportContact& a) {
    const std::string id = "new-" + std::to_string(next_remote++);
    names.add(id, a.spec.name);
    bindings.put(Binding{a.party_id, id, ContactRole::customer, a.pushed_hash, {}});
  }
  void on(const ClearExportTag& a) {
    if (auto it = capsule.find(a.party_id); it != capsule.end())
      std::erase_if(it->second.tags, [&](const Tag& t) { return t.name == a.tag; });
  }
  void on(const RecordConflict& a) {
    auto parties = a.conflict.party_ids;
    for (const auto& id : a.parties_of)
      if (auto b = bindings.find_by_remote_id(id).value()) parties.push_back(b->party_id);
    const auto& c = a.conflict;
    conflicts.record(make_conflict(c.kind, c.remote_id, c.other_remote_ids, parties, c.name, c.hint));
  }
};

template <typename T>
std::vector<T> only(const std::vector<Action>& actions) {
  std::vector<T> out;
  for (const auto& a : actions) {
    if (const auto* x = std::get_if<T>(&a)) out.push_back(*x);
  }
  return out;
}

}  // namespace capsync::sync::test
