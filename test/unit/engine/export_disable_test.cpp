// The engine's R12 export (tag and operator) and R16 disable over in-memory connectors and a
// real SQLite store; each case names the rule it proves.

#include <catch2/catch.hpp>

#include "core/engine/connection_store.hpp"
#include "core/engine/jobs.hpp"
#include "core/engine/sync_engine.hpp"
#include "core/model/name_key.hpp"
#include "core/store/database.hpp"
#include "test/unit/engine/engine_harness.hpp"

using namespace capsync;
namespace asio = boost::asio;

namespace {

constexpr std::string_view kTag = "Export to Xero";

struct Harness : test::EngineHarness {
  std::vector<queue::JobSpec> enqueued;

  Harness() {
    connection.sync.export_tag = std::string(kTag);
    connection.sync.invoice_note = true;
    start([this](queue::JobSpec spec) -> Result<std::int64_t> {
      enqueued.push_back(std::move(spec));
      return static_cast<std::int64_t>(enqueued.size());
    });
  }

  void ok(asio::awaitable<Status> work) {
    auto s = run(std::move(work));
    INFO((s.ok() ? std::string() : s.error().message()));
    REQUIRE(s.ok());
  }
  void pull() { ok(engine->pull(job("pull"))); }
  void poll() { ok(engine->capsule_poll(job("capsule_poll"))); }
  Status export_party(model::PartyId id) {
    return run(engine->export_party(job(engine::kind_export, std::to_string(id))));
  }
  Status disable() { return run(engine->disable(job(engine::kind_disable))); }
  // Runs the queued push jobs (the daemon's runner would); returns how many ran.
  int run_pushes() {
    auto jobs = std::move(enqueued);
    enqueued.clear();
    for (const auto& spec : jobs) {
      REQUIRE(spec.kind == "push");
      ok(engine->push(job(spec.kind, spec.payload)));
    }
    return static_cast<int>(jobs.size());
  }
  engine::ConnectionStore store() { return engine::ConnectionStore(*db, connection.name); }
  engine::ConnectionState state() { return engine::DisableState(*db).get(connection.name).value(); }
  const model::Party& party(model::PartyId id) const { return capsule.parties.at(id); }
  const model::Contact* contact_named(std::string_view name) const {
    for (const auto& [id, c] : xero.contacts)
      if (c.display_name() == name) return &c;
    return nullptr;
  }
  int contacts_named(std::string_view name) const {
    int n = 0;
    for (const auto& [id, c] : xero.contacts) n += c.display_name() == name ? 1 : 0;
    return n;
  }
};

model::OrganisationRef ref(const model::Party& org) { return {org.id, org.name}; }

}  // namespace

TEST_CASE("R12 a tagged person without organisation is exported as a person, linked, and the tag removed") {
  Harness h;
  auto& jane = h.capsule.add_person("Jane", "Doe");
  jane.emails.push_back({1, "", "jane@example.com"});
  const model::PartyId id = jane.id;
  h.capsule.tag(id, std::string(kTag));

  h.poll();
  CHECK(h.run_pushes() == 1);
  REQUIRE(h.xero.created.size() == 1);
  const auto& spec = h.xero.created[0];
  CHECK(spec.kind == model::ContactKind::person);
  CHECK(spec.name == "Jane Doe");
  CHECK(spec.email == "jane@example.com");
  CHECK_FALSE(spec.contact_person);
  CHECK(h.xero.idempotency_keys[0] == fmt::format("capsync-export-acme-{}", id));
  auto b = h.store().bindings.find_by_party(id).value();
  REQUIRE(b);
  CHECK(h.xero.contacts.count(b->remote_id) == 1);
  CHECK_FALSE(h.party(id).has_tag(kTag));

  // The tag removal's echo exports nothing again.
  h.poll();
  h.run_pushes();
  CHECK(h.xero.created.size() == 1);
}

TEST_CASE("R12 a tagged person in an organisation exports the organisation with the person as contact person") {
  Harness h;
  auto& org = h.capsule.add_organisation("Beta Ltd");
  org.websites.push_back({1, "URL", "https://beta.example"});
  const model::PartyId org_id = org.id;
  auto& sam = h.capsule.add_person("Sam", "Lee", ref(org));
  sam.emails.push_back({2, "", "sam@beta.example"});
  const model::PartyId sam_id = sam.id;
  h.capsule.tag(sam_id, std::string(kTag));

  h.poll();
  h.run_pushes();
  REQUIRE(h.xero.created.size() == 1);
  const auto& spec = h.xero.created[0];
  CHECK(spec.kind == model::ContactKind::organisation);
  CHECK(spec.name == "Beta Ltd");
  REQUIRE(spec.contact_person);
  CHECK(spec.contact_person->first_name == "Sam");
  CHECK(spec.contact_person->last_name == "Lee");
  CHECK(spec.email == "sam@beta.example");  // the organisation has none: the person's
  CHECK(spec.website == "https://beta.example");
  CHECK(h.store().bindings.find_by_party(org_id).value());
  CHECK_FALSE(h.store().bindings.find_by_party(sam_id).value());
  CHECK_FALSE(h.party(sam_id).has_tag(kTag));
}

TEST_CASE("R12 a tagged person whose organisation is linked creates nothing and loses the tag") {
  Harness h;
  const model::PartyId org_id = h.capsule.add_organisation("Acme Ltd").id;
  h.xero.add_contact("c-acme", "Acme Ltd");
  h.xero.add_invoice("i-1", "c-acme", model::InvoiceStatus::paid, "0.00", "2024-05-15");
  h.pull();
  REQUIRE(h.store().bindings.find_by_party(org_id).value());
  h.run_pushes();

  const model::PartyId kim = h.capsule.add_person("Kim", "Park", ref(h.party(org_id))).id;
  h.capsule.tag(kim, std::string(kTag));
  h.poll();
  h.run_pushes();
  CHECK(h.xero.created.empty());
  CHECK_FALSE(h.party(kim).has_tag(kTag));
  CHECK(h.store().bindings.find_by_party(org_id).value()->remote_id == "c-acme");
}

TEST_CASE("R13 a tagged party whose name the accounting side has is a conflict, not a second contact") {
  Harness h;
  // Created in the accounting service after the last pull: the mirror does not know it yet.
  h.xero.add_contact("c-gamma", "Gamma Ltd");
  const model::PartyId gamma = h.capsule.add_organisation("Gamma Ltd").id;
  h.capsule.tag(gamma, std::string(kTag));

  h.poll();
  h.run_pushes();
  CHECK(h.xero.created.empty());
  CHECK(h.contacts_named("Gamma Ltd") == 1);
  CHECK_FALSE(h.store().bindings.find_by_party(gamma).value());
  auto conflicts = h.store().conflicts.open().value();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].kind == "name_clash");
  CHECK_THAT(conflicts[0].detail, Catch::Contains("Gamma Ltd"));
  CHECK(h.party(gamma).has_tag(kTag));  // not done: the tag stays until the clash is resolved

  // Seeing the party again records nothing new.
  h.capsule.touch(gamma);
  h.poll();
  h.run_pushes();
  CHECK(h.store().conflicts.open()->size() == 1);
  CHECK(h.xero.created.empty());
}

TEST_CASE("R17 an export whose name is a near-duplicate of an accounting contact creates nothing and reports both") {
  Harness h;
  h.xero.add_contact("c-zeta", "ZETA TRADING LIMITED");
  h.pull();
  REQUIRE(h.store().conflicts.open()->empty());
  const model::PartyId zeta = h.capsule.add_organisation("Zeta Trading Ltd.").id;
  h.capsule.tag(zeta, std::string(kTag));
  const model::PartyId other = h.capsule.add_organisation("Zeta Holdings Ltd").id;
  h.capsule.tag(other, std::string(kTag));

  h.poll();
  h.run_pushes();
  REQUIRE(h.xero.created.size() == 1);  // the unrelated name is exported
  CHECK(h.xero.created[0].name == "Zeta Holdings Ltd");
  CHECK(h.store().bindings.find_by_party(other).value());
  CHECK_FALSE(h.party(other).has_tag(kTag));
  CHECK_FALSE(h.store().bindings.find_by_party(zeta).value());
  auto conflicts = h.store().conflicts.open().value();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].kind == "near_duplicate");
  CHECK(conflicts[0].capsule_id == std::to_string(zeta));
  CHECK_THAT(conflicts[0].detail, Catch::Contains("c-zeta") && Catch::Contains("Zeta Trading Ltd."));
  CHECK(h.party(zeta).has_tag(kTag));  // not done: the tag stays until a person decides

  // The operator's export decides the same, and nothing is recorded twice.
  REQUIRE(h.export_party(zeta).ok());
  CHECK(h.xero.created.size() == 1);
  CHECK(h.store().conflicts.open()->size() == 1);
}

TEST_CASE("R17 contacts mirrored before near keys were stored are found, and their keys filled") {
  Harness h;
  h.xero.add_contact("c-old", "Old Mill Limited");
  h.pull();
  REQUIRE(h.db->exec("UPDATE engine_contacts SET near_key = NULL"));
  auto store = h.store();
  const std::string key = model::near_key("old mill ltd");
  CHECK(store.contacts.find_by_near_key(key).value() == std::vector<std::string>{"c-old"});
  CHECK(store.contacts.find_by_near_key(model::near_key("Old Mill Bakery")).value().empty());
  REQUIRE(store.contacts.fill_near_keys());
  auto filled = h.db->prepare("SELECT near_key FROM engine_contacts WHERE remote_id = 'c-old'");
  REQUIRE(filled);
  REQUIRE(filled->step().value());
  CHECK(filled->column_text(0) == key);
  CHECK(store.contacts.find_by_near_key(key).value() == std::vector<std::string>{"c-old"});
}

TEST_CASE("R12 an export whose create answer was lost links the contact it created on retry") {
  Harness h;
  const model::PartyId delta = h.capsule.add_organisation("Delta Ltd").id;
  h.capsule.tag(delta, std::string(kTag));
  h.xero.lose_next_create_answer = true;
  h.poll();
  REQUIRE(h.enqueued.size() == 1);
  const auto push = h.enqueued[0];
  auto failed = h.run(h.engine->push(h.job(push.kind, push.payload)));
  REQUIRE_FALSE(failed.ok());  // transient: the runner retries the job
  CHECK(h.contacts_named("Delta Ltd") == 1);
  CHECK_FALSE(h.store().bindings.find_by_party(delta).value());

  h.ok(h.engine->push(h.job(push.kind, push.payload)));
  CHECK(h.contacts_named("Delta Ltd") == 1);
  CHECK(h.xero.created.size() == 1);
  auto b = h.store().bindings.find_by_party(delta).value();
  REQUIRE(b);
  CHECK(b->remote_id == h.contact_named("Delta Ltd")->remote_id);
  CHECK(h.store().conflicts.open()->empty());
  CHECK_FALSE(h.party(delta).has_tag(kTag));
}

TEST_CASE("R12 the operator exports an untagged party the mirror has not seen, and a second export does nothing") {
  Harness h;
  const model::PartyId echo = h.capsule.add_organisation("Echo Ltd").id;
  REQUIRE(h.export_party(echo).ok());
  REQUIRE(h.xero.created.size() == 1);
  CHECK(h.xero.created[0].name == "Echo Ltd");
  CHECK(h.store().bindings.find_by_party(echo).value());

  REQUIRE(h.export_party(echo).ok());
  CHECK(h.xero.created.size() == 1);
  // A party that does not exist is reported, not retried for ever.
  CHECK(h.export_party(999'999).ok());
  CHECK(h.xero.created.size() == 1);
}

// R7: an exported party is linked, so it gets its note (listing no invoices yet) with the export
// itself, not only once something about its contact changes: a crash-free run and one restarted
// mid-sync (whose full pass reconciles every contact) end with the same notes.
TEST_CASE("R7 R12 an exported party gets its invoice note with the export, and later syncs keep exactly one") {
  Harness h;
  const model::PartyId echo = h.capsule.add_organisation("Echo Ltd").id;
  REQUIRE(h.export_party(echo).ok());
  const auto b = h.store().bindings.find_by_party(echo).value();
  REQUIRE(b);
  const auto notes_of_echo = [&] {
    std::vector<std::string> out;
    for (const auto& [id, n] : h.capsule.notes)
      if (n.party_id == echo) out.push_back(n.content);
    return out;
  };
  auto notes = notes_of_echo();
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("No invoices.") != std::string::npos);
  CHECK(notes[0].find("https://acc.example/new?c=" + b->remote_id) != std::string::npos);
  CHECK(b->summary_hash);

  h.pull();
  h.run_pushes();
  CHECK(notes_of_echo() == notes);
}

namespace {

// Acme Ltd linked by name with an overdue invoice (fields, tag, note); New Corp created by capsync.
void seed_linked(Harness& h) {
  h.capsule.add_organisation("Acme Ltd");
  h.xero.add_contact("c-acme", "Acme Ltd");
  h.xero.add_invoice("i-1", "c-acme", model::InvoiceStatus::authorised, "100.00", "2024-05-15");
  h.xero.add_contact("c-new", "New Corp");
  h.xero.add_invoice("i-2", "c-new", model::InvoiceStatus::authorised, "20.00", "2024-05-20");
  h.pull();
  h.run_pushes();
}

model::PartyId id_named(const Harness& h, std::string_view name) {
  for (const auto& [id, p] : h.capsule.parties)
    if (p.display_name() == name) return id;
  FAIL("no party named " << name);
  return 0;
}

}  // namespace

TEST_CASE("R16 disable removes summaries, tags and notes, forgets the links and keeps the parties") {
  Harness h;
  seed_linked(h);
  const model::PartyId acme = id_named(h, "Acme Ltd");
  const model::PartyId created = id_named(h, "New Corp");
  REQUIRE(h.party(acme).has_tag("Overdue invoices"));
  REQUIRE(h.party(acme).field(901) != nullptr);
  REQUIRE(h.capsule.notes.size() == 2);
  h.xero.add_contact("c-twin", "Twin Co");  // and an open conflict to forget
  h.capsule.add_organisation("Twin Co");
  h.capsule.add_organisation("Twin Co");
  h.xero.add_invoice("i-3", "c-twin", model::InvoiceStatus::authorised, "5.00", "2024-05-20");
  h.pull();
  REQUIRE(h.store().conflicts.open()->size() == 1);

  REQUIRE(h.disable().ok());
  for (auto id : {acme, created}) {
    REQUIRE(h.capsule.parties.count(id) == 1);  // parties capsync created stay
    CHECK_FALSE(h.party(id).has_tag("Overdue invoices"));
    for (std::int64_t def : {901, 902, 903, 904}) CHECK(h.party(id).field(def) == nullptr);
  }
  CHECK(h.capsule.notes.empty());
  auto st = h.store();
  CHECK(st.bindings.counts().value().linked == 0);
  CHECK(st.conflicts.open()->empty());
  CHECK(st.cursors.get(engine::kContacts).value().empty());
  CHECK(h.state() == engine::ConnectionState::disabled);

  // Syncing has stopped: jobs still queued for the connection do nothing.
  const int capsule_writes = h.capsule.writes;
  h.pull();
  h.poll();
  CHECK(h.enqueued.empty());
  CHECK(h.capsule.writes == capsule_writes);
  CHECK(st.bindings.counts().value().linked == 0);
  CHECK(h.export_party(acme).ok());
  CHECK(h.xero.created.empty());
}

TEST_CASE("R16 a disable interrupted halfway finishes when the job runs again") {
  Harness h;
  seed_linked(h);
  h.capsule.updates_until_failure = 1;  // the first party is cleared, the second fails
  auto failed = h.disable();
  REQUIRE_FALSE(failed.ok());
  CHECK(h.state() == engine::ConnectionState::disabling);
  CHECK(h.store().bindings.counts().value().linked == 1);
  const int capsule_writes = h.capsule.writes;
  h.pull();  // a sync queued meanwhile does nothing
  CHECK(h.capsule.writes == capsule_writes);

  h.capsule.updates_until_failure = -1;
  REQUIRE(h.disable().ok());
  CHECK(h.state() == engine::ConnectionState::disabled);
  CHECK(h.store().bindings.counts().value().linked == 0);
  for (const auto& [id, p] : h.capsule.parties) CHECK_FALSE(p.has_tag("Overdue invoices"));
  CHECK(h.capsule.notes.empty());
}

TEST_CASE("R16 once enabled again, the first sync links the parties it left by name and duplicates nothing") {
  Harness h;
  seed_linked(h);
  REQUIRE(h.disable().ok());
  const auto parties = h.capsule.parties.size();
  REQUIRE(engine::DisableState(*h.db).enable(h.connection.name).value() == engine::ConnectionState::disabled);
  CHECK(h.state() == engine::ConnectionState::active);
  h.pull();
  CHECK(h.capsule.parties.size() == parties);
  CHECK(h.store().bindings.counts().value().linked == 2);
  CHECK(h.party(id_named(h, "Acme Ltd")).has_tag("Overdue invoices"));
}
