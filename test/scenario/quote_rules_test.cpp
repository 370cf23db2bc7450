// Quotes (R18-R20), end to end for every provider of the conformance suite: the open quotes
// total on the Capsule party and the note's Quotes heading; one draft quote per opportunity at
// the milestone. What a provider cannot do is named by trait (provider_kit.hpp) and printed.

#include <string>

#include <catch2/catch.hpp>

#include "test/scenario/conformance.hpp"
#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;

namespace {

// The provider's quotes whose reference is `reference`.
std::vector<RemoteQuote> quotes_with_reference(const SyncWorld& world, const std::string& reference) {
  std::vector<RemoteQuote> out;
  for (auto& q : world.kit().quotes(world.state().doc()))
    if (q.reference == reference) out.push_back(std::move(q));
  return out;
}

}  // namespace

TEST_CASE("R18 open quotes are summed per currency onto the linked party and listed under their own heading") {
  FOR_EACH_PROVIDER(Trait::quotes_read);
  const auto kit = make_kit(provider);
  const QuoteSeed sent_1{"c-1", "QU-0101", "1200.00", QuoteState::sent};
  const QuoteSeed sent_2{"c-1", "QU-0102", "300.00", QuoteState::sent};
  const QuoteSeed draft{"c-1", "QU-0103", "999.00", QuoteState::draft};
  const QuoteSeed accepted{"c-1", "QU-0104", "50.00", QuoteState::accepted};
  const bool statuses = kit->has(Trait::quote_statuses);
  Seed seed(provider);
  seed.party(organisation(11, "Quote Org"))
      .contact(org_contact("c-1", "Quote Org"))
      .invoice(sales_invoice("c-1", "INV-1", "40.00", 10))
      .quote(sent_1)
      .quote(sent_2);
  if (statuses)
    seed.quote(draft).quote(accepted);
  else
    WARN("SKIP " << provider << ", drafts and accepted quotes left out of the total: " << kit->trait_note(Trait::quote_statuses));
  WorldOptions options;
  options.sync_yaml = "invoice_note: true";
  SyncWorld world(seed, options);
  world.start_daemon();

  const auto state = world.state();
  const auto* party = state.party(11);
  REQUIRE(party);
  CHECK(SandboxState::field(*party, "Open quotes") == "1,500.00 GBP");
  CHECK(SandboxState::field(*party, "Outstanding") == "40.00 GBP");
  auto notes = state.notes_of(11);
  REQUIRE(notes.size() == 1);
  const std::string note = (*notes[0])["content"].GetString();
  INFO(note);
  const auto heading = note.find("\nQuotes\n");
  REQUIRE(heading != std::string::npos);
  CHECK(note.find("Quote " + kit->quote_number(sent_1) + ": 1,200.00 GBP", heading) != std::string::npos);
  CHECK(note.find("Quote " + kit->quote_number(sent_2) + ": 300.00 GBP", heading) != std::string::npos);
  if (statuses) {
    CHECK(note.find(kit->quote_number(draft)) == std::string::npos);     // a draft was never issued
    CHECK(note.find(kit->quote_number(accepted)) == std::string::npos);  // no longer awaiting the customer
  }
}

TEST_CASE("R19 R20 an opportunity at the milestone gets exactly one draft quote, also across a restart") {
  FOR_EACH_PROVIDER(Trait::quotes_write);
  Seed seed(provider);
  seed.party(organisation(11, "Deal Org"))
      .contact(org_contact("c-1", "Deal Org"))
      .invoice(sales_invoice("c-1", "INV-1", "40.00", 10))
      .pipeline(R"({"id":3,"name":"Sales"})")
      .milestone(R"({"id":31,"name":"Lead","pipeline":{"id":3}})")
      .milestone(R"({"id":33,"name":"Proposal","pipeline":{"id":3}})")
      .opportunity(R"({"id":900,"name":"Website rebuild","party":{"id":11},"milestone":{"id":33},)"
                   R"("value":{"amount":1500.00,"currency":"GBP"}})")
      .opportunity(R"({"id":901,"name":"Later deal","party":{"id":11},"milestone":{"id":31},)"
                   R"("value":{"amount":99.00,"currency":"GBP"}})");
  WorldOptions options;
  options.quotes_yaml = "from_milestone: Proposal";
  SyncWorld world(seed, options);
  world.start_daemon();

  CHECK(world.query_text("SELECT count(*) FROM engine_quote_intents WHERE opportunity_id = 900 AND remote_id <> ''") ==
        "1");
  CHECK(world.query_text("SELECT count(*) FROM engine_quote_intents WHERE opportunity_id = 901") == "0");
  auto made = quotes_with_reference(world, "Capsule opportunity #900");
  REQUIRE(made.size() == 1);
  CHECK(made[0].contact_id == world.remote_id("c-1"));
  if (world.kit().has(Trait::quote_statuses))
    CHECK(made[0].draft);
  else
    WARN("SKIP " << provider << ", the quote is not a draft: " << world.kit().trait_note(Trait::quote_statuses));
  CHECK(quotes_with_reference(world, "Capsule opportunity #901").empty());

  // A restart and more syncs find the quote made: none is made again (R20).
  world.restart_daemon();
  world.sync();
  CHECK(quotes_with_reference(world, "Capsule opportunity #900").size() == 1);
  INFO(world.daemon_log());
  CHECK(world.conflicts().empty());
}

namespace {

// A Capsule account with the Proposal milestone and opportunity 900 of Deal Org at it.
Seed deal_seed(const std::string& provider) {
  Seed seed(provider);
  seed.party(organisation(11, "Deal Org"))
      .contact(org_contact("c-1", "Deal Org"))
      .invoice(sales_invoice("c-1", "INV-1", "40.00", 10))
      .pipeline(R"({"id":3,"name":"Sales"})")
      .milestone(R"({"id":31,"name":"Lead","pipeline":{"id":3}})")
      .milestone(R"({"id":33,"name":"Proposal","pipeline":{"id":3}})")
      .opportunity(R"({"id":900,"name":"Website rebuild","description":"Six pages","party":{"id":11},)"
                   R"("milestone":{"id":33},"value":{"amount":1500.00,"currency":"GBP"}})");
  return seed;
}

WorldOptions quote_options() {
  WorldOptions options;
  options.quotes_yaml = "from_milestone: Proposal";
  return options;
}

// Writes to the provider's quotes (Xero /Quotes, FreshBooks and FreeAgent estimates, Sage sales
// quotes) since the last clear; a quote's lines apart (FreeAgent's estimate items).
int quote_writes(const SyncWorld& world) {
  const std::string quotes = world.kit().quote_create().second;
  int n = 0;
  for (const auto& r : world.writes())
    if (r.path == quotes || r.path.starts_with(quotes + "/")) ++n;
  return n;
}

// The notes on Capsule opportunity `id`.
std::vector<std::string> opportunity_notes(const SandboxState& state, std::int64_t id) {
  std::vector<std::string> out;
  for (const auto& e : state.entries().GetArray()) {
    auto o = e.FindMember("opportunity");
    if (o != e.MemberEnd() && o->value.IsObject() && o->value["id"].GetInt64() == id)
      out.emplace_back(e["content"].GetString());
  }
  return out;
}

const rapidjson::Value& opportunity_of(const SandboxState& state, std::int64_t id) {
  for (const auto& o : state.doc()["capsule"]["opportunities"].GetArray())
    if (o["id"].GetInt64() == id) return o;
  throw std::runtime_error("no opportunity " + std::to_string(id));
}

}  // namespace

TEST_CASE("R21 a draft quote follows its opportunity; once sent it is never changed again") {
  FOR_EACH_PROVIDER(Trait::quote_status_writes);
  SyncWorld world(deal_seed(provider), quote_options());
  world.start_daemon();
  const std::string quote = world.query_text("SELECT remote_id FROM engine_quote_intents WHERE opportunity_id = 900");
  REQUIRE_FALSE(quote.empty());

  // Read again, unchanged: nothing is sent.
  world.clear_requests();
  world.sync();
  CHECK(quote_writes(world) == 0);

  // A person changes the opportunity: the draft follows, once.
  REQUIRE(world.capsule("PUT", "/opportunities/900",
                        R"({"opportunity":{"name":"Website rebuild, phase 1","value":{"amount":1800.00,"currency":"GBP"}}})")
              .status == 200);
  world.sync();
  world.sync();
  INFO(world.daemon_log());
  CHECK(quote_writes(world) == 1);
  auto notes = opportunity_notes(world.state(), 900);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("1,800.00 GBP") != std::string::npos);  // as the service now has it (R22)
  CHECK(world.query_text("SELECT total FROM engine_quotes WHERE remote_id = '" + quote + "'") == "1800.00");

  // Sent in the service: later changes leave it as it is.
  world.kit().set_quote_status(quote, QuoteState::sent);
  world.sync();
  world.clear_requests();
  REQUIRE(world.capsule("PUT", "/opportunities/900", R"({"opportunity":{"value":{"amount":2500.00,"currency":"GBP"}}})")
              .status == 200);
  world.sync();
  world.sync();
  CHECK(quote_writes(world) == 0);
  notes = opportunity_notes(world.state(), 900);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("1,800.00 GBP") != std::string::npos);
  CHECK(notes[0].find("(Sent)") != std::string::npos);
  CHECK(world.conflicts().empty());
}

TEST_CASE("R22 the opportunity shows its quote in one note, updated in place, and is tagged once it is accepted") {
  FOR_EACH_PROVIDER(Trait::quote_status_writes);
  SyncWorld world(deal_seed(provider), quote_options());
  world.start_daemon();
  const std::string quote = world.query_text("SELECT remote_id FROM engine_quote_intents WHERE opportunity_id = 900");
  REQUIRE_FALSE(quote.empty());
  auto notes = opportunity_notes(world.state(), 900);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].starts_with("Quote "));
  CHECK(notes[0].find("1,500.00 GBP") != std::string::npos);
  CHECK(notes[0].find("(Draft)") != std::string::npos);
  CHECK(world.state().notes_of(11).empty());  // on the opportunity, not its party

  world.kit().set_quote_status(quote, QuoteState::sent);
  world.sync();
  notes = opportunity_notes(world.state(), 900);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("(Sent)") != std::string::npos);
  CHECK_FALSE(SandboxState::has_tag(opportunity_of(world.state(), 900), "Quote accepted"));

  world.kit().set_quote_status(quote, QuoteState::accepted);
  world.sync();
  world.sync();
  const auto state = world.state();
  notes = opportunity_notes(state, 900);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("(Accepted)") != std::string::npos);
  const auto& deal = opportunity_of(state, 900);
  CHECK(SandboxState::has_tag(deal, "Quote accepted"));
  CHECK(deal["milestone"]["id"].GetInt64() == 33);  // never moved
  INFO(world.daemon_log());
  CHECK(world.conflicts().empty());
}

TEST_CASE("R19 an opportunity of an unlinked organisation exports it first and gets its quote in the same sync") {
  FOR_EACH_PROVIDER(Trait::quotes_write);
  Seed seed = deal_seed(provider);
  seed.party(organisation(12, "Fresh Prospect Ltd"))
      .opportunity(R"({"id":901,"name":"First order","party":{"id":12},"milestone":{"id":33},)"
                   R"("value":{"amount":250.00,"currency":"GBP"}})");
  SyncWorld world(seed, quote_options());
  world.start_daemon();
  INFO(world.daemon_log());
  const auto exported = world.kit().contacts(world.state().doc());
  const RemoteBook book(exported);
  const RemoteContact* contact = book.only_named("Fresh Prospect Ltd");
  REQUIRE(contact != nullptr);
  CHECK(world.query_text("SELECT count(*) FROM engine_quote_intents WHERE opportunity_id = 901 AND remote_id <> ''") ==
        "1");
  CHECK(world.query_text("SELECT contact_remote_id FROM engine_quotes WHERE reference = 'Capsule opportunity #901'") ==
        contact->remote_id);
  CHECK(world.conflicts().empty());
}
