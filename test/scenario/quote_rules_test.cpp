// Quotes (R18), end to end for every provider of the conformance suite whose service capsync
// reads quotes from: the open quotes total on the Capsule party and the note's Quotes heading.
// The others are skipped by trait (Trait::quotes_read).

#include <string>

#include <catch2/catch.hpp>

#include "test/scenario/conformance.hpp"
#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;

TEST_CASE("R18 open quotes are summed per currency onto the linked party and listed under their own heading") {
  FOR_EACH_PROVIDER(Trait::quotes_read);
  Seed seed(provider);
  seed.party(organisation(11, "Quote Org"))
      .contact(org_contact("c-1", "Quote Org"))
      .invoice(sales_invoice("c-1", "INV-1", "40.00", 10))
      .quote({"c-1", "QU-0101", "1200.00", QuoteState::sent})
      .quote({"c-1", "QU-0102", "300.00", QuoteState::sent})
      .quote({"c-1", "QU-0103", "999.00", QuoteState::draft})
      .quote({"c-1", "QU-0104", "50.00", QuoteState::accepted});
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
  CHECK(note.find("Quote QU-0101: 1,200.00 GBP", heading) != std::string::npos);
  CHECK(note.find("Quote QU-0102: 300.00 GBP", heading) != std::string::npos);
  CHECK(note.find("QU-0103") == std::string::npos);  // a draft was never issued
  CHECK(note.find("QU-0104") == std::string::npos);  // accepted: no longer awaiting the customer
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

  auto creates = [&] {
    int n = 0;
    for (const auto& r : world.writes())
      if (r.method != "DELETE" && (r.path.ends_with("/Quotes") || r.path.ends_with("/estimates/estimates"))) ++n;
    return n;
  };
  CHECK(world.query_text("SELECT count(*) FROM engine_quote_intents WHERE opportunity_id = 900 AND remote_id <> ''") ==
        "1");
  CHECK(world.query_text("SELECT count(*) FROM engine_quote_intents WHERE opportunity_id = 901") == "0");
  CHECK(creates() == 1);

  // A restart and more syncs find the quote made: none is made again (R20).
  world.restart_daemon();
  world.sync();
  CHECK(creates() == 1);
  INFO(world.daemon_log());
  CHECK(world.conflicts().empty());
}
