// Quotes on the read side (R18) through the sync engine, over in-memory connectors and a real
// SQLite store.

#include <functional>

#include <catch2/catch.hpp>

#include "core/engine/connection_store.hpp"
#include "core/engine/sync_engine.hpp"
#include "test/unit/daemon/log_capture.hpp"
#include "test/unit/engine/engine_harness.hpp"

using namespace capsync;

namespace {

constexpr std::int64_t kOpenQuotesField = 905;

struct QuoteHarness : test::EngineHarness {
  QuoteHarness() {
    connection.sync.invoice_note = true;
    capsule.field_ids["Open quotes"] = kOpenQuotesField;
    xero.quotes_read = true;
    start([](queue::JobSpec) -> Result<std::int64_t> { return 1; });
    capsule.add_organisation("Acme Ltd");
    xero.add_contact("c-acme", "Acme Ltd");
    xero.add_invoice("i-1", "c-acme", model::InvoiceStatus::authorised, "100.00", "2024-07-15");
  }

  void pull() {
    auto s = run(engine->pull(job("pull")));
    INFO((s.ok() ? std::string() : s.error().message()));
    REQUIRE(s.ok());
  }
  const model::Party& acme() const {
    for (const auto& [id, p] : capsule.parties)
      if (p.display_name() == "Acme Ltd") return p;
    FAIL("Acme Ltd is not in Capsule");
    throw std::logic_error("unreachable");
  }
  std::string open_quotes() const {
    const auto* f = acme().field(kOpenQuotesField);
    return f ? f->value : std::string();
  }
  std::string note() const {
    for (const auto& [id, n] : capsule.notes)
      if (n.party_id == acme().id) return n.content;
    return {};
  }
};

}  // namespace

TEST_CASE("R18 open quotes are read incrementally, summed per currency and listed in the invoice note") {
  QuoteHarness h;
  h.xero.add_quote("q-1", "c-acme", model::QuoteStatus::sent, "500.00", "2024-07-01");
  auto& eur = h.xero.add_quote("q-2", "c-acme", model::QuoteStatus::sent, "80.00", "2024-07-01");
  eur.currency = "EUR";
  eur.total = *model::Money::parse("80.00", "EUR");
  h.xero.add_quote("q-3", "c-acme", model::QuoteStatus::draft, "999.00", "2024-07-01");
  h.xero.add_quote("q-4", "c-acme", model::QuoteStatus::sent, "70.00", "2024-06-01");  // expired (today 2024-06-10)
  h.pull();

  CHECK(h.open_quotes() == "80.00 EUR; 500.00 GBP");
  const std::string note = h.note();
  CHECK(note.find("\nQuotes\n") != std::string::npos);
  CHECK(note.find("Quote QU-q-1: 500.00 GBP, dated 2024-06-01, expires 2024-07-01 (Sent) "
                  "https://acc.example/quote/q-1") != std::string::npos);
  CHECK(note.find("QU-q-3") == std::string::npos);  // a draft is not issued
  CHECK(note.find("QU-q-4") == std::string::npos);  // past its expiry

  // The second pull reads from the stored cursor and writes nothing.
  const int writes = h.capsule.writes;
  h.pull();
  REQUIRE(h.xero.quote_cursors.size() == 2);
  CHECK(h.xero.quote_cursors[0].empty());
  CHECK_FALSE(h.xero.quote_cursors[1].empty());
  CHECK(*engine::ConnectionStore(*h.db, "acme").cursors.get(engine::kQuotes) == h.xero.quote_cursors[1]);
  CHECK(h.capsule.writes == writes);

  // An accepted quote is no longer open: only the quote changed, and the summary follows it.
  h.xero.set_quote_status("q-1", model::QuoteStatus::accepted);
  h.pull();
  CHECK(h.open_quotes() == "80.00 EUR");
  CHECK(h.note().find("QU-q-1") == std::string::npos);
}

TEST_CASE("R18 a service without a quote API is skipped silently: no quote read, no open quotes field needed") {
  QuoteHarness h;
  h.xero.quotes_read = false;
  h.capsule.field_ids.erase("Open quotes");
  h.pull();
  CHECK(h.xero.quote_cursors.empty());
  CHECK(h.acme().field(kOpenQuotesField) == nullptr);
  CHECK(h.note().find("Quotes") == std::string::npos);
  CHECK(h.open_quotes().empty());
}

TEST_CASE("R18 an account without the Open quotes field keeps its invoice summaries and lists quotes in the note") {
  QuoteHarness h;
  h.capsule.field_ids.erase("Open quotes");
  h.xero.add_quote("q-1", "c-acme", model::QuoteStatus::sent, "500.00", "2024-07-01");
  h.pull();
  const auto* outstanding = h.acme().field(901);
  REQUIRE(outstanding != nullptr);
  CHECK(outstanding->value == "100.00 GBP");
  CHECK(h.note().find("Quote QU-q-1: 500.00 GBP") != std::string::npos);
}

TEST_CASE("R19 a from_milestone Capsule does not have is reported once with its config position; the sync goes on") {
  daemon::test::LogCapture logs;
  QuoteHarness h;
  h.xero.quotes_write = true;
  h.capsule.milestones = {{31, "Lead", 3, "Sales", false}, {32, "Qualified", 3, "Sales", false}};
  h.connection.quotes.from_milestone = "Proposal";
  h.connection.quotes.from_milestone_at = "capsync.yaml:14:23: connections[0].quotes.from_milestone";
  h.pull();
  CHECK(logs.count(log::Level::error, "Failed to find Capsule milestone 'Proposal' named at capsync.yaml:14:23: "
                                      "connections[0].quotes.from_milestone: the account has 'Lead' (Sales), "
                                      "'Qualified' (Sales)") == 1);
  const auto* outstanding = h.acme().field(901);  // the rest of the sync ran: the summary is written
  REQUIRE(outstanding != nullptr);
  CHECK(outstanding->value == "100.00 GBP");
  h.pull();
  CHECK(h.capsule.milestone_reads == 1);
  CHECK(logs.count("Failed to find Capsule milestone") == 1);

  // Fixed in the config (a reload): asked again, and found.
  h.capsule.milestones.push_back({33, "Proposal", 3, "Sales", false});
  h.connection.quotes.from_milestone = "Proposal ";
  h.pull();
  CHECK(h.capsule.milestone_reads == 2);
  h.connection.quotes.from_milestone = "Proposal";
  h.pull();
  CHECK(h.capsule.milestone_reads == 3);
  CHECK(logs.count("Failed to find Capsule milestone") == 2);  // "Proposal " was not found either
}

namespace {

// Drafting on: the milestone "Proposal" (33) exists and the service writes quotes.
void drafting(QuoteHarness& h) {
  h.xero.quotes_write = true;
  h.capsule.milestones = {{31, "Lead", 3, "Sales", false}, {33, "Proposal", 3, "Sales", false}};
  h.connection.quotes.from_milestone = "Proposal";
  h.connection.quotes.account_code = "200";
}

}  // namespace

TEST_CASE("R19 an opportunity at the milestone gets one draft quote for its organisation's contact") {
  QuoteHarness h;
  drafting(h);
  const model::PartyId acme = h.acme().id;
  const model::PartyId jane = h.capsule.add_person("Jane", "Doe", model::OrganisationRef{acme, "Acme Ltd"}).id;
  auto& deal = h.capsule.add_opportunity(900, jane, 33, "1200.00");
  deal.duration_basis = model::DurationBasis::month;
  deal.duration = 12;
  deal.description = "Monthly support";
  h.capsule.add_opportunity(901, jane, 31, "50.00");  // not at the milestone
  h.pull();

  REQUIRE(h.xero.quote_specs.size() == 1);
  const auto& spec = h.xero.quote_specs[0];
  CHECK(spec.contact_remote_id == "c-acme");  // the organisation's contact, not the person's
  CHECK(spec.reference == "Capsule opportunity #900");
  CHECK(spec.title == "Deal 900");
  CHECK(spec.summary == "Monthly support");
  CHECK(spec.quantity == 12);
  CHECK(spec.unit_amount.to_string() == "100.00");
  CHECK(spec.currency == "GBP");
  CHECK(spec.account_code == "200");
  CHECK(model::format_date(spec.issue_date) == "2024-06-10");
  CHECK(model::format_date(spec.expiry_date) == "2024-07-10");  // no expected close: today + 30 days
  CHECK(h.xero.quote_keys[0] == "capsync-acme-Capsule opportunity #900");

  // Later syncs, and the opportunity changing, never make a second one (R20).
  h.capsule.opportunities.at(900).updated_at = h.clock.tick();
  h.pull();
  h.pull();
  CHECK(h.xero.quote_specs.size() == 1);
  // The other one reaches the milestone: it gets its own.
  h.capsule.opportunities.at(901).milestone_id = 33;
  h.capsule.opportunities.at(901).updated_at = h.clock.tick();
  h.pull();
  CHECK(h.xero.quote_specs.size() == 2);
}

TEST_CASE("R20 a quote create whose answer was lost is found by its reference on retry, never made twice") {
  QuoteHarness h;
  drafting(h);
  h.capsule.add_opportunity(900, h.acme().id, 33, "500.00");
  h.xero.lose_next_quote_answer = true;
  auto failed = h.run(h.engine->pull(h.job("pull")));
  REQUIRE_FALSE(failed.ok());
  CHECK(h.xero.quotes.size() == 1);  // made, but capsync did not hear back
  h.pull();
  h.pull();
  CHECK(h.xero.quote_specs.size() == 1);
  auto intent = engine::ConnectionStore(*h.db, "acme").quote_intents.get(900);
  REQUIRE(intent.ok());
  REQUIRE(intent->has_value());
  CHECK((*intent)->remote_id == "dq-1");
}

TEST_CASE("R17 an opportunity whose party cannot be exported, without a value, or refused by the service is a conflict") {
  QuoteHarness h;
  drafting(h);
  h.xero.add_contact("c-clash", "Unlinked Org");  // the export of the party clashes (R13)
  const model::PartyId stranger = h.capsule.add_organisation("Unlinked Org").id;
  h.capsule.add_opportunity(900, stranger, 33, "500.00");
  h.capsule.add_opportunity(901, h.acme().id, 33, std::nullopt);
  h.pull();
  CHECK(h.xero.quote_specs.empty());
  std::vector<engine::StoredConflict> quotes;
  auto quote_conflicts = [&] {
    auto open = engine::ConnectionStore(*h.db, "acme").conflicts.open();
    REQUIRE(open.ok());
    quotes.clear();
    for (const auto& c : *open)
      if (c.kind == "quote_not_drafted") quotes.push_back(c);
  };
  quote_conflicts();
  REQUIRE(quotes.size() == 2);
  CHECK(quotes[0].detail.find("could not be exported") != std::string::npos);
  CHECK(quotes[1].detail.find("no value") != std::string::npos);

  h.xero.refuse_quote = "The TaxType code 'GST on Income' is not valid";
  h.capsule.add_opportunity(902, h.acme().id, 33, "75.00");
  h.pull();
  quote_conflicts();
  REQUIRE(quotes.size() == 3);
  CHECK(quotes[2].detail.find("refused it: The TaxType code") != std::string::npos);
}

namespace {

// Drafting on with a service that keeps drafts (R21): opportunity 900 of Acme Ltd at the milestone.
model::Opportunity& drafted(QuoteHarness& h) {
  drafting(h);
  h.xero.quotes_read = true;
  h.xero.quotes_update = true;
  auto& deal = h.capsule.add_opportunity(900, h.acme().id, 33, "1200.00");
  deal.description = "Website rebuild";
  h.pull();
  REQUIRE(h.xero.quote_specs.size() == 1);
  return h.capsule.opportunities.at(900);
}

void change(QuoteHarness& h, const std::function<void(model::Opportunity&)>& edit) {
  auto& o = h.capsule.opportunities.at(900);
  edit(o);
  o.updated_at = h.clock.tick();
}

}  // namespace

TEST_CASE("R21 a draft quote follows its opportunity's name, description, value and expected close") {
  QuoteHarness h;
  drafted(h);
  // Read again without a change (and a change the quote does not carry): nothing is sent.
  change(h, [](model::Opportunity& o) { o.tags.push_back({1, "VIP"}); });
  h.pull();
  CHECK(h.xero.quote_updates.empty());

  change(h, [](model::Opportunity& o) {
    o.name = "Website rebuild, phase 1";
    o.description = "Design and build";
    o.value = *model::Money::parse("1500.00", "GBP");
    o.expected_close = *model::parse_date("2024-08-31");
  });
  h.pull();
  REQUIRE(h.xero.quote_updates.size() == 1);
  const auto& [id, spec] = h.xero.quote_updates[0];
  CHECK(id == "dq-1");
  CHECK(spec.title == "Website rebuild, phase 1");
  CHECK(spec.summary == "Design and build");
  CHECK(spec.reference == "Capsule opportunity #900");
  CHECK(spec.unit_amount.to_string() == "1500.00");
  CHECK(spec.contact_remote_id == "c-acme");
  CHECK(model::format_date(spec.issue_date) == "2024-06-01");  // the quote keeps its own date
  CHECK(model::format_date(spec.expiry_date) == "2024-08-31");
  CHECK(h.xero.quotes.at("dq-1").total.to_string() == "1500.00");

  // The same opportunity read again: nothing more is sent.
  h.pull();
  h.pull();
  CHECK(h.xero.quote_updates.size() == 1);
  CHECK(h.xero.quote_specs.size() == 1);  // never a second quote
}

TEST_CASE("R21 a quote follows its opportunity while a draft; once sent or accepted it is never changed, nor deleted") {
  QuoteHarness h;
  drafted(h);
  change(h, [](model::Opportunity& o) { o.value = *model::Money::parse("1300.00", "GBP"); });
  h.pull();
  REQUIRE(h.xero.quote_updates.size() == 1);
  h.xero.set_quote_status("dq-1", model::QuoteStatus::sent);
  h.pull();  // the quote read back as sent
  change(h, [](model::Opportunity& o) { o.value = *model::Money::parse("2000.00", "GBP"); });
  h.pull();
  CHECK(h.xero.quote_updates.size() == 1);
  CHECK(h.xero.quotes.at("dq-1").total.to_string() == "1300.00");

  // Accepted after capsync last read it: the service refuses, capsync leaves it and asks no more.
  QuoteHarness late;
  drafted(late);
  change(late, [](model::Opportunity& o) { o.name = "Renamed"; });
  late.pull();
  REQUIRE(late.xero.quote_updates.size() == 1);
  late.xero.quotes.at("dq-1").status = model::QuoteStatus::accepted;  // not read back yet
  change(late, [](model::Opportunity& o) { o.name = "Renamed again"; });
  late.pull();
  late.pull();
  CHECK(late.xero.quote_updates.size() == 1);
  CHECK(late.xero.quotes.at("dq-1").title == "Renamed");
  CHECK(late.xero.quotes.count("dq-1") == 1);
  auto open = engine::ConnectionStore(*late.db, "acme").conflicts.open();
  REQUIRE(open.ok());
  CHECK(open->empty());
}

TEST_CASE("R21 a service that keeps no drafts is never asked to update a quote") {
  QuoteHarness h;
  drafted(h);
  h.xero.quotes_update = false;  // KashFlow: every quote reads as sent
  change(h, [](model::Opportunity& o) { o.value = *model::Money::parse("2000.00", "GBP"); });
  h.pull();
  CHECK(h.xero.quote_updates.empty());
  // The same connector with drafts follows the next change.
  h.xero.quotes_update = true;
  change(h, [](model::Opportunity& o) { o.value = *model::Money::parse("2100.00", "GBP"); });
  h.pull();
  REQUIRE(h.xero.quote_updates.size() == 1);
  CHECK(h.xero.quote_updates[0].second.unit_amount.to_string() == "2100.00");
}

TEST_CASE("R22 the opportunity gets one note about its quote, updated in place, and the accepted tag") {
  QuoteHarness h;
  auto& deal = drafted(h);
  auto notes = h.capsule.notes_on(900);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].content ==
        "Quote QU-dq-1: 1,200.00 GBP, dated 2024-06-01, expires 2024-07-10 (Draft) https://acc.example/quote/dq-1");
  const std::int64_t note_id = notes[0].id;
  const int writes = h.capsule.writes;
  h.pull();
  CHECK(h.capsule.writes == writes);  // nothing changed: nothing written

  // The quote's amount (R21) and status change: the same note says so.
  change(h, [](model::Opportunity& o) { o.value = *model::Money::parse("1500.00", "GBP"); });
  h.pull();
  h.xero.set_quote_status("dq-1", model::QuoteStatus::sent);
  h.pull();
  notes = h.capsule.notes_on(900);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].id == note_id);
  CHECK(notes[0].content.find("1,500.00 GBP") != std::string::npos);
  CHECK(notes[0].content.find("(Sent)") != std::string::npos);
  CHECK_FALSE(h.capsule.opportunities.at(900).has_tag("Quote accepted"));

  h.xero.set_quote_status("dq-1", model::QuoteStatus::accepted);
  h.pull();
  CHECK(h.capsule.opportunities.at(900).has_tag("Quote accepted"));
  CHECK(h.capsule.notes_on(900)[0].content.find("(Accepted)") != std::string::npos);
  CHECK(h.capsule.opportunities.at(900).milestone_id == 33);  // never moved
  (void)deal;

  // A person deletes the note: the opportunity gets a new one when the quote changes again.
  h.capsule.notes.erase(note_id);
  h.xero.set_quote_status("dq-1", model::QuoteStatus::invoiced);
  h.pull();
  notes = h.capsule.notes_on(900);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].content.find("(Invoiced)") != std::string::npos);
}

TEST_CASE("R22 a note create whose answer was lost is found on the opportunity, not made twice") {
  QuoteHarness h;
  drafting(h);
  h.xero.quotes_read = true;
  h.capsule.add_opportunity(900, h.acme().id, 33, "500.00");
  h.capsule.lose_next_opportunity_note_answer = true;
  h.pull();  // logged, tried again with the next sync
  h.pull();
  CHECK(h.capsule.notes_on(900).size() == 1);
  h.xero.set_quote_status("dq-1", model::QuoteStatus::sent);
  h.pull();
  REQUIRE(h.capsule.notes_on(900).size() == 1);
  CHECK(h.capsule.notes_on(900)[0].content.find("(Sent)") != std::string::npos);
}

// KashFlow keeps no drafts: the quote capsync makes is issued at once, so it is open (R18) and
// its party's summary shows it with the sync that made it, not only once the quote changes.
TEST_CASE("R18 R19 a quote the service issues at once shows in its party's summary with the sync that made it") {
  QuoteHarness h;
  drafting(h);
  h.xero.created_quote_status = model::QuoteStatus::sent;
  h.capsule.add_opportunity(900, h.acme().id, 33, "500.00");
  h.pull();
  REQUIRE(h.xero.quote_specs.size() == 1);
  CHECK(h.open_quotes() == "500.00 GBP");
  CHECK(h.note().find("Quote QU-dq-1: 500.00 GBP") != std::string::npos);
  const auto writes = h.capsule.writes;
  h.pull();
  CHECK(h.open_quotes() == "500.00 GBP");
  CHECK(h.capsule.writes == writes);  // written once
}

TEST_CASE("R19 an opportunity of an unlinked party exports the party first and gets its quote in the same pass") {
  QuoteHarness h;
  drafting(h);
  const model::PartyId org = h.capsule.add_organisation("Brand New Ltd").id;
  const model::PartyId jane = h.capsule.add_person("Jane", "Roe", model::OrganisationRef{org, "Brand New Ltd"}).id;
  h.capsule.add_opportunity(900, jane, 33, "300.00");
  h.pull();
  REQUIRE(h.xero.created.size() == 1);
  CHECK(h.xero.created[0].name == "Brand New Ltd");  // the organisation, Jane its contact person (R12)
  REQUIRE(h.xero.quote_specs.size() == 1);
  CHECK(h.xero.contacts.at(h.xero.quote_specs[0].contact_remote_id).name == "Brand New Ltd");
  auto open = engine::ConnectionStore(*h.db, "acme").conflicts.open();
  REQUIRE(open.ok());
  CHECK(open->empty());
}

TEST_CASE("R17 a party whose export clashes waits; its opportunity is drafted once the party is linked, unchanged") {
  QuoteHarness h;
  drafting(h);
  h.xero.add_contact("c-clash", "Clash Ltd");  // no invoice: not linked by name (R3), but the name is taken (R13)
  const model::PartyId clash = h.capsule.add_organisation("Clash Ltd").id;
  h.capsule.add_opportunity(900, clash, 33, "300.00");
  h.capsule.add_opportunity(950, clash, 31, "10.00");  // newer: the listing's cursor stays on it
  h.pull();
  CHECK(h.xero.quote_specs.empty());
  CHECK(h.xero.created.empty());
  engine::ConnectionStore store(*h.db, "acme");
  auto open = store.conflicts.open();
  REQUIRE(open.ok());
  bool waiting = false;
  for (const auto& c : *open) waiting = waiting || c.kind == "quote_not_drafted";
  CHECK(waiting);

  // Nothing changed: the opportunity is not read again.
  h.pull();
  CHECK(h.capsule.opportunity_reads == 0);

  // A person links the party to the contact (capsyncctl conflicts resolve --link): the
  // opportunity, which did not change, gets its quote at the next sync.
  REQUIRE(store.bindings.put(sync::Binding{clash, "c-clash", sync::ContactRole::customer, std::nullopt, std::nullopt},
                             false).ok());
  h.pull();
  REQUIRE(h.xero.quote_specs.size() == 1);
  CHECK(h.xero.quote_specs[0].contact_remote_id == "c-clash");
  CHECK(h.capsule.opportunity_reads == 1);
  open = store.conflicts.open();
  REQUIRE(open.ok());
  for (const auto& c : *open) CHECK(c.kind != "quote_not_drafted");  // settled by the quote
  h.pull();
  CHECK(h.xero.quote_specs.size() == 1);
}

TEST_CASE("R17 a refused quote is tried again when the quote settings change, not at every sync") {
  QuoteHarness h;
  drafting(h);
  h.xero.refuse_quote = "The TaxType code 'GST on Income' is not valid";
  h.connection.quotes.tax_type = "GST on Income";
  h.capsule.add_opportunity(900, h.acme().id, 33, "75.00");
  h.capsule.add_opportunity(950, h.acme().id, 31, "10.00");  // newer: the listing's cursor stays on it
  h.pull();
  h.pull();
  CHECK(h.capsule.opportunity_reads == 0);
  h.xero.refuse_quote.clear();
  h.connection.quotes.tax_type = "OUTPUT";  // fixed in the config and reloaded
  h.pull();
  REQUIRE(h.xero.quote_specs.size() == 1);
  CHECK(h.xero.quote_specs[0].tax_type == "OUTPUT");
  CHECK(h.capsule.opportunity_reads == 1);
}

TEST_CASE("R17 a party whose export clashed is exported once renamed, and its unchanged opportunity gets its quote") {
  QuoteHarness h;
  drafting(h);
  h.xero.add_contact("c-clash", "Clash Ltd");
  const model::PartyId clash = h.capsule.add_organisation("Clash Ltd").id;
  h.capsule.add_opportunity(900, clash, 33, "300.00");
  h.capsule.add_opportunity(950, h.acme().id, 31, "10.00");  // newer: the listing's cursor stays on it
  h.pull();
  CHECK(h.xero.quote_specs.empty());

  // A person renames the Capsule organisation: the party changed, the opportunity did not.
  h.capsule.parties.at(clash).name = "Clash Trading Ltd";
  h.capsule.touch(clash);
  h.pull();
  REQUIRE(h.xero.created.size() == 1);
  CHECK(h.xero.created[0].name == "Clash Trading Ltd");
  REQUIRE(h.xero.quote_specs.size() == 1);
  CHECK(h.xero.contacts.at(h.xero.quote_specs[0].contact_remote_id).name == "Clash Trading Ltd");
}
