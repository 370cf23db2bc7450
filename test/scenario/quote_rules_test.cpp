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
