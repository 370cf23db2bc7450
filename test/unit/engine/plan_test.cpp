// `capsyncctl plan` at the engine level: a plan lists exactly what the next sync then does,
// and leaves the state database and both providers untouched.

#include <catch2/catch.hpp>

#include <algorithm>

#include "core/engine/plan.hpp"
#include "core/engine/sync_engine.hpp"
#include "core/log/log.hpp"
#include "core/queue/job_queue.hpp"
#include "core/store/database.hpp"
#include "test/unit/engine/engine_harness.hpp"

using namespace capsync;
namespace asio = boost::asio;

namespace {

constexpr std::string_view kExportTag = "Export to Xero";

struct Harness : test::EngineHarness {
  std::unique_ptr<queue::JobQueue> jobs;

  Harness() {
    connection.sync.export_tag = std::string(kExportTag);
    jobs = std::make_unique<queue::JobQueue>(*db);
    start([this](queue::JobSpec spec) { return jobs->enqueue(spec, clock.ms); });
  }

  // The next sync as the daemon runs it: the pull, then the push jobs it queued.
  void sync() {
    auto s = run(engine->pull(job("pull")));
    INFO((s.ok() ? std::string() : s.error().message()));
    REQUIRE(s.ok());
    for (;;) {
      auto claimed = jobs->claim("test", clock.ms, 60'000);
      REQUIRE(claimed.ok());
      if (!*claimed) return;
      auto p = run(engine->push(**claimed));
      INFO((p.ok() ? std::string() : p.error().message()));
      REQUIRE(p.ok());
      REQUIRE(jobs->complete((*claimed)->id, "test", clock.ms).ok());
    }
  }
  engine::Plan plan(bool full = false) {
    auto connectors = source.connectors(connection).value();
    auto planned = run(engine::plan_sync(*db, connection, connectors, {.full = full, .now_ms = [this] { return clock.ms; }}));
    INFO((planned.ok() ? std::string() : planned.error().message()));
    REQUIRE(planned.ok());
    return std::move(*planned);
  }
  engine::ConnectionStore store() { return engine::ConnectionStore(*db, connection.name); }
  const model::Party* party_named(std::string_view name) const {
    for (const auto& [id, p] : capsule.parties)
      if (p.display_name() == name) return &p;
    return nullptr;
  }

  // Every row of every table, in a fixed order: the plan must leave all of them as they were.
  std::vector<std::string> dump() {
    std::vector<std::string> out;
    auto tables = db->prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    REQUIRE(tables.ok());
    std::vector<std::string> names;
    while (*tables->step()) names.emplace_back(tables->column_text(0));
    for (const auto& t : names) {
      auto rows = db->prepare(fmt::format("SELECT * FROM \"{}\" ORDER BY 1", t));
      REQUIRE(rows.ok());
      while (*rows->step()) {
        std::string row = t;
        for (int c = 0; c < rows->column_count(); ++c) {
          row += '|';
          row += rows->column_text(c);
        }
        out.push_back(std::move(row));
      }
    }
    return out;
  }
};

// Acme Ltd (linked by name), New Corp (created), Twin Co (two parties: a conflict).
void seed(Harness& h) {
  h.capsule.add_organisation("Acme Ltd");
  h.capsule.add_organisation("Twin Co");
  h.capsule.add_organisation("Twin Co");
  h.xero.add_contact("c-acme", "Acme Ltd");
  h.xero.add_invoice("i-1", "c-acme", model::InvoiceStatus::authorised, "100.00", "2024-05-15");
  h.xero.add_contact("c-new", "New Corp");
  h.xero.add_invoice("i-2", "c-new", model::InvoiceStatus::paid, "0.00", "2024-05-15");
  h.xero.add_contact("c-twin", "Twin Co");
  h.xero.add_invoice("i-3", "c-twin", model::InvoiceStatus::authorised, "10.00", "2024-07-01");
}

using Link = std::pair<model::PartyId, std::string>;

std::vector<Link> bindings(Harness& h) {
  std::vector<Link> out;
  auto all = h.store().bindings.all();
  REQUIRE(all.ok());
  for (const auto& b : *all) out.emplace_back(b.party_id, b.remote_id);
  std::sort(out.begin(), out.end());
  return out;
}

bool has_change(const engine::PlanEntry& e, std::string_view text) {
  return std::any_of(e.changes.begin(), e.changes.end(),
                     [&](const std::string& c) { return c.find(text) != std::string::npos; });
}

const engine::PlanEntry* for_party(const std::vector<engine::PlanEntry>& entries, std::string_view name) {
  for (const auto& e : entries)
    if (e.party && e.party->name == name) return &e;
  return nullptr;
}

}  // namespace

TEST_CASE("plan R1 R2 R6 R17: the first sync's links, creates, summaries and conflicts, then exactly those happen") {
  Harness h;
  seed(h);
  const auto rows_before = h.dump();
  const model::PartyId acme = h.party_named("Acme Ltd")->id;

  std::vector<std::string> logged_for;
  log::TEST_set_sink([&](const log::Record& r) { logged_for.push_back(r.connection); });
  const auto plan = h.plan();
  log::TEST_set_sink(nullptr);
  CHECK(h.dump() == rows_before);  // not one row of the state database changed
  // The journal never reads a plan's "Created ..." as something the sync did.
  REQUIRE_FALSE(logged_for.empty());
  for (const auto& c : logged_for) CHECK(c == "acme (plan)");
  CHECK(h.capsule.writes == 0);
  CHECK(h.xero.writes == 0);
  CHECK(plan.reads > 0);

  REQUIRE(plan.link.size() == 1);
  CHECK(plan.link[0].party == engine::PlanParty{acme, "Acme Ltd"});
  CHECK(plan.link[0].contact == engine::PlanContact{"c-acme", "Acme Ltd"});
  REQUIRE(plan.create_in_capsule.size() == 1);
  CHECK(plan.create_in_capsule[0].party == engine::PlanParty{0, "New Corp"});
  CHECK(plan.create_in_capsule[0].contact == engine::PlanContact{"c-new", "New Corp"});
  const auto* acme_summary = for_party(plan.update_in_capsule, "Acme Ltd");
  REQUIRE(acme_summary != nullptr);
  CHECK(has_change(*acme_summary, "Outstanding: '' -> '100.00 GBP'"));
  CHECK(has_change(*acme_summary, "add tag 'Overdue invoices'"));
  REQUIRE(plan.conflicts.size() == 1);
  CHECK(plan.conflicts[0].kind == "ambiguous_match");
  CHECK(plan.conflicts[0].contact == engine::PlanContact{"c-twin", "Twin Co"});
  CHECK(plan.conflicts[0].parties.size() == 2);
  CHECK(plan.push.empty());
  CHECK(plan.export_contacts.empty());
  CHECK(plan.unlink.empty());

  h.sync();
  const model::PartyId created = h.party_named("New Corp")->id;
  CHECK(bindings(h) == std::vector<Link>{{acme, "c-acme"}, {created, "c-new"}});
  const auto conflicts = h.store().conflicts.open().value();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].kind == plan.conflicts[0].kind);
  CHECK(conflicts[0].remote_id == "c-twin");
  CHECK(h.party_named("Acme Ltd")->has_tag("Overdue invoices"));
  CHECK(h.xero.writes == 0);  // nothing was planned for the accounting side
  // Every Capsule party the sync wrote to was in the plan; no other was. A created party's
  // summary goes in its create, so the plan shows it there.
  CHECK(has_change(plan.create_in_capsule[0], "Last invoice date: '' -> '2024-05-01'"));
  CHECK(for_party(plan.update_in_capsule, "New Corp") == nullptr);
  std::vector<std::string> written, planned;
  for (const auto& [id, p] : h.capsule.parties)
    if (!p.fields.empty() || !p.tags.empty() || id == created) written.push_back(p.display_name());
  for (const auto& e : plan.update_in_capsule) planned.push_back(e.party->name);
  for (const auto& e : plan.create_in_capsule) planned.push_back(e.party->name);
  std::sort(written.begin(), written.end());
  std::sort(planned.begin(), planned.end());
  CHECK(written == planned);

  // Nothing changed since: the plan of the next sync is empty, summaries included.
  const auto next = h.plan();
  CHECK(next.link.empty());
  CHECK(next.create_in_capsule.empty());
  CHECK(next.update_in_capsule.empty());
  CHECK(next.push.empty());
  CHECK(next.conflicts.empty());
}

TEST_CASE("plan R10 R12 R14: a push with the fields that change, an export, a re-created party, then exactly those") {
  Harness h;
  seed(h);
  h.sync();
  const model::PartyId acme = h.party_named("Acme Ltd")->id;
  h.capsule.parties.at(acme).phones.push_back({1, model::PhoneKind::main, "+44 20 7946 0000"});
  h.capsule.touch(acme);
  const model::PartyId gone = h.party_named("New Corp")->id;
  h.capsule.remove(gone);
  auto& jane = h.capsule.add_person("Jane", "Doe");
  jane.emails.push_back({2, "", "jane@example.com"});
  const model::PartyId jane_id = jane.id;
  h.capsule.tag(jane_id, std::string(kExportTag));
  const auto rows_before = h.dump();
  const int capsule_writes = h.capsule.writes;

  const auto plan = h.plan();
  CHECK(h.dump() == rows_before);
  CHECK(h.capsule.writes == capsule_writes);
  CHECK(h.xero.writes == 0);

  REQUIRE(plan.push.size() == 1);
  CHECK(plan.push[0].contact == engine::PlanContact{"c-acme", "Acme Ltd"});
  CHECK(plan.push[0].party == engine::PlanParty{acme, "Acme Ltd"});
  CHECK(plan.push[0].changes == std::vector<std::string>{"phone: '' -> '+44 20 7946 0000'"});
  REQUIRE(plan.export_contacts.size() == 1);
  CHECK(plan.export_contacts[0].party == engine::PlanParty{jane_id, "Jane Doe"});
  CHECK(plan.export_contacts[0].contact == engine::PlanContact{"", "Jane Doe"});
  CHECK(has_change(plan.export_contacts[0], "email 'jane@example.com'"));
  REQUIRE(plan.create_in_capsule.size() == 1);
  CHECK(plan.create_in_capsule[0].contact == engine::PlanContact{"c-new", "New Corp"});
  CHECK(has_change(plan.create_in_capsule[0], fmt::format("the linked party {} was deleted", gone)));
  const auto* tag_removal = for_party(plan.update_in_capsule, "Jane Doe");
  REQUIRE(tag_removal != nullptr);
  CHECK(has_change(*tag_removal, "remove tag 'Export to Xero'"));
  CHECK(plan.link.empty());
  CHECK(plan.conflicts.empty());

  h.sync();
  REQUIRE(h.xero.updates.size() == 1);
  CHECK(h.xero.updates[0].desired.phone == "+44 20 7946 0000");
  REQUIRE(h.xero.created.size() == 1);
  CHECK(h.xero.created[0].name == "Jane Doe");
  const auto* recreated = h.party_named("New Corp");
  REQUIRE(recreated != nullptr);
  CHECK(h.store().bindings.find_by_remote_id("c-new").value()->party_id == recreated->id);
  CHECK_FALSE(h.capsule.parties.at(jane_id).has_tag(kExportTag));
  CHECK(h.xero.writes == 2);  // the push and the export, nothing else
}

TEST_CASE("plan on a snapshot: a failed read fails the plan and still writes nothing") {
  Harness h;
  seed(h);
  h.capsule.field_ids.erase("Outstanding");
  const auto rows_before = h.dump();
  auto connectors = h.source.connectors(h.connection).value();
  auto planned = h.run(engine::plan_sync(*h.db, h.connection, connectors, {.now_ms = [&h] { return h.clock.ms; }}));
  REQUIRE_FALSE(planned.ok());
  CHECK(planned.error().message().find("Outstanding") != std::string::npos);
  CHECK(h.dump() == rows_before);
  CHECK(h.capsule.writes == 0);
}

TEST_CASE("plan R18 R19: the open quotes a summary would show and the quotes the sync would draft, then exactly those") {
  Harness h;
  seed(h);
  h.xero.quotes_read = true;
  h.xero.quotes_write = true;
  h.capsule.field_ids["Open quotes"] = 905;
  h.capsule.milestones = {{31, "Lead", 3, "Sales", false}, {33, "Proposal", 3, "Sales", false}};
  h.connection.quotes.from_milestone = "Proposal";
  h.sync();
  const model::PartyId acme = h.party_named("Acme Ltd")->id;
  h.xero.add_quote("q-1", "c-acme", model::QuoteStatus::sent, "500.00", "2024-07-01");
  h.capsule.add_opportunity(12, acme, 33, "1200.00").name = "Website";
  h.capsule.add_opportunity(13, acme, 31, "80.00");  // not at the milestone
  const auto rows_before = h.dump();
  const int capsule_writes = h.capsule.writes;

  const auto plan = h.plan();
  CHECK(h.dump() == rows_before);
  CHECK(h.xero.quote_specs.empty());  // nothing drafted while planning
  CHECK(h.capsule.writes == capsule_writes);
  REQUIRE(plan.quotes.size() == 2);
  CHECK(plan.quotes[0].party == engine::PlanParty{acme, "Acme Ltd"});
  CHECK(plan.quotes[0].contact == engine::PlanContact{"c-acme", "Acme Ltd"});
  CHECK(plan.quotes[0].changes ==
        std::vector<std::string>{"would draft a quote for opportunity #12 'Website' → Acme Ltd, 1,200.00 GBP"});
  CHECK(plan.quotes[1].changes == std::vector<std::string>{"would add the quote note on opportunity #12"});  // R22
  const auto* acme_summary = for_party(plan.update_in_capsule, "Acme Ltd");
  REQUIRE(acme_summary != nullptr);
  CHECK(has_change(*acme_summary, "Open quotes: '' -> '500.00 GBP'"));

  h.sync();
  REQUIRE(h.xero.quote_specs.size() == 1);
  CHECK(h.xero.quote_specs[0].reference == "Capsule opportunity #12");
  const auto* open = h.party_named("Acme Ltd")->field(905);
  REQUIRE(open != nullptr);
  CHECK(open->value == "500.00 GBP");
  // Made: the next sync drafts nothing more, and the plan says so.
  CHECK(h.plan().quotes.empty());
}
