// Xero-only behaviour beside the conformance suite: what only Xero has (deep links into
// go.xero.com), end to end against the sandbox.

#include <string>

#include <catch2/catch.hpp>

#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;

TEST_CASE("R7 Xero: the invoice note links each invoice and a new invoice for the contact into go.xero.com") {
  Seed seed;
  seed.party(organisation(11, "Note Org"))
      .contact(org_contact("c-1", "Note Org"))
      .invoice(sales_invoice("c-1", "INV-1", "100.00", -5))
      .invoice(sales_invoice("c-1", "INV-2", "50.00", 10));
  WorldOptions options;
  options.sync_yaml = "invoice_note: true";
  SyncWorld world(seed, options);
  world.start_daemon();

  const auto state = world.state();
  const auto notes = state.notes_of(11);
  REQUIRE(notes.size() == 1);
  const std::string note = text_of(*notes[0], "content");
  INFO(note);
  for (const auto& invoice : state.invoices().GetArray())
    CHECK(note.find(text_of(invoice, "InvoiceID")) != std::string::npos);
  CHECK(note.find("https://go.xero.com/") != std::string::npos);
  const auto new_invoice = note.find("New invoice for this contact: https://go.xero.com/");
  REQUIRE(new_invoice != std::string::npos);
  CHECK(note.find("c-1", new_invoice) != std::string::npos);
}
