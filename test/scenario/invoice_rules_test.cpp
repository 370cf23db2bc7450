// Invoices (R6-R9), end to end for every provider of the conformance suite: the invoice
// summary, overdue tag and invoice note capsyncd writes onto Capsule parties from the
// accounting service's invoices.

#include <chrono>
#include <ctime>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test/scenario/conformance.hpp"
#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

// Overdue Org's overdue invoice.
InvoiceSpec overdue_invoice() { return sales_invoice("c-1", "INV-1", "100.00", -5); }

// Three linked customers: one with an overdue and a current invoice, one current only (and
// a stale overdue tag from earlier), one with an overdue bill and a current sales invoice.
Seed summary_seed(const std::string& provider) {
  Seed s(provider);
  s.tag(R"({"id":80,"name":"Overdue invoices","dataTag":false})")
      .party(organisation(11, "Overdue Org"))
      .party(organisation(12, "Current Org", R"("tags":[{"id":80,"name":"Overdue invoices"}])"))
      .party(organisation(13, "Supplier Org"))
      .contact(org_contact("c-1", "Overdue Org"))
      .contact(org_contact("c-2", "Current Org"))
      .contact(org_contact("c-3", "Supplier Org"))
      .invoice(overdue_invoice())
      .invoice(sales_invoice("c-1", "INV-2", "50.00", 10))
      .invoice(sales_invoice("c-2", "INV-3", "75.00", 5))
      .invoice(sales_invoice("c-3", "BILL-1", "40.00", -3).bill())
      .invoice(sales_invoice("c-3", "INV-4", "10.00", 3));
  return s;
}

constexpr const char* kTag = "Overdue invoices";

}  // namespace

TEST_CASE("R6 summary fields and the overdue tag on exactly the overdue parties") {
  FOR_EACH_PROVIDER();
  SyncWorld world(summary_seed(provider));
  world.start_daemon();
  const auto state = world.state();

  const auto* overdue = state.party(11);
  REQUIRE(overdue);
  CHECK(SandboxState::field(*overdue, "Outstanding") == "150.00 GBP");
  CHECK(SandboxState::field(*overdue, "Overdue") == "100.00 GBP");
  CHECK(SandboxState::field(*overdue, "Next due date") == utc_date(10));
  CHECK(SandboxState::field(*overdue, "Last invoice date") == utc_date(-20));  // INV-2, issued 30 days before due
  CHECK(SandboxState::has_tag(*overdue, kTag));

  const auto* current = state.party(12);
  REQUIRE(current);
  CHECK(SandboxState::field(*current, "Outstanding") == "75.00 GBP");
  CHECK_FALSE(SandboxState::field(*current, "Overdue"));
  CHECK(SandboxState::field(*current, "Next due date") == utc_date(5));
  CHECK_FALSE(SandboxState::has_tag(*current, kTag));  // the stale tag is gone

  const auto* supplier = state.party(13);  // the overdue bill is not shown by default
  REQUIRE(supplier);
  CHECK(SandboxState::field(*supplier, "Outstanding") == "10.00 GBP");
  CHECK_FALSE(SandboxState::field(*supplier, "Overdue"));
  CHECK_FALSE(SandboxState::has_tag(*supplier, kTag));

  // The daemon's store keeps the invoice history; bills too where they decide who qualifies (R3),
  // elsewhere only when they are shown.
  CHECK(world.query_text("SELECT count(*) FROM invoices WHERE connection = 'acme'") ==
        (world.kit().has(Trait::invoice_needed_to_qualify) ? "5" : "4"));
  CHECK(world.kit().invoice_count(state.doc()) == (world.kit().has(Trait::supplier_invoices) ? 5u : 4u));
  CHECK(world.query_text(fmt::format("SELECT amount_due FROM invoices WHERE connection = 'acme' AND number = '{}'",
                                     world.kit().invoice_number(overdue_invoice()))) == "100.00");
}

TEST_CASE("R6 supplier bills are included only with include_supplier_invoices: true") {
  FOR_EACH_PROVIDER(Trait::supplier_invoices);
  WorldOptions options;
  options.sync_yaml = "include_supplier_invoices: true";
  Seed seed = summary_seed(provider);
  seed.party(organisation(14, "Bill Only Org"))
      .contact(org_contact("c-4", "Bill Only Org").supplier_only())
      .invoice(sales_invoice("c-4", "BILL-2", "30.00", -4).bill());
  SyncWorld world(seed, options);
  world.start_daemon();
  const auto state = world.state();
  const auto* bills_only = state.party(14);
  REQUIRE(bills_only);
  CHECK(SandboxState::field(*bills_only, "Outstanding") == "30.00 GBP");
  CHECK(SandboxState::field(*bills_only, "Overdue") == "30.00 GBP");
  CHECK(SandboxState::has_tag(*bills_only, kTag));

  const auto* supplier = state.party(13);
  REQUIRE(supplier);
  if (world.kit().has(Trait::customer_bills)) {
    CHECK(SandboxState::field(*supplier, "Outstanding") == "50.00 GBP");
    CHECK(SandboxState::field(*supplier, "Overdue") == "40.00 GBP");
    CHECK(SandboxState::has_tag(*supplier, kTag));
  } else {
    // The customer's bill belongs to a supplier record of the same name: that one is reported
    // (R17), not linked, so the party shows the customer's sales only.
    CHECK(SandboxState::field(*supplier, "Outstanding") == "10.00 GBP");
    CHECK_FALSE(SandboxState::has_tag(*supplier, kTag));
  }
  const auto* current = state.party(12);
  REQUIRE(current);
  CHECK_FALSE(SandboxState::has_tag(*current, kTag));
}

TEST_CASE("R7 one invoice note per party, newest first, updated in place and never duplicated") {
  FOR_EACH_PROVIDER();
  const auto overdue = sales_invoice("c-1", "INV-1", "100.00", -5);
  const auto current = sales_invoice("c-1", "INV-2", "50.00", 10);
  Seed seed(provider);
  seed.party(organisation(11, "Note Org")).contact(org_contact("c-1", "Note Org")).invoice(overdue).invoice(current);
  WorldOptions options;
  options.sync_yaml = "invoice_note: true";
  SyncWorld world(seed, options);
  world.start_daemon();
  const std::string inv1 = "Invoice " + world.kit().invoice_number(overdue);
  const std::string inv2 = "Invoice " + world.kit().invoice_number(current);

  auto notes = world.state().notes_of(11);
  REQUIRE(notes.size() == 1);
  const auto note_id = (*notes[0])["id"].GetInt64();
  const std::string first = text_of(*notes[0], "content");
  INFO(first);
  const auto at1 = first.find("OVERDUE " + inv1 + ":");
  const auto at2 = first.find(inv2 + ":");
  REQUIRE(at1 != std::string::npos);
  REQUIRE(at2 != std::string::npos);
  CHECK(at2 < at1);  // newest first
  CHECK(first.find(inv2 + ": 50.00 GBP") != std::string::npos);
  for (const auto& id : world.kit().invoice_ids(world.state().doc()))  // each invoice links to itself
    CHECK(first.find(id) != std::string::npos);

  // A new invoice in the accounting service (where the sandbox takes invoice writes): the same
  // note is rewritten, no second note appears.
  if (world.kit().has(Trait::invoice_writes)) {
    world.kit().create_invoice(world.remote_id("c-1"), "INV-3", 2, "12.50", 30);
    world.sync();
    notes = world.state().notes_of(11);
    REQUIRE(notes.size() == 1);
    CHECK((*notes[0])["id"].GetInt64() == note_id);
    const std::string second = text_of(*notes[0], "content");
    INFO(second);
    CHECK(second.find("Invoice INV-3: 25.00 GBP") != std::string::npos);
    CHECK(second.find("Invoice INV-3") < second.find(inv2 + ":"));
  }

  // Nothing changed: the note is not written again.
  world.clear_requests();
  world.sync();
  const auto writes = world.writes();
  INFO(describe(writes));
  CHECK(writes.empty());
  CHECK(world.state().notes_of(11).size() == 1);
}

TEST_CASE("R8 totals are kept per currency, exact to the cent, never added across currencies") {
  FOR_EACH_PROVIDER();
  Seed seed(provider);
  seed.party(organisation(11, "Multi Currency Ltd"))
      .contact(org_contact("c-1", "Multi Currency Ltd"))
      .invoice(sales_invoice("c-1", "INV-1", "0.10", 5))
      .invoice(sales_invoice("c-1", "INV-2", "0.20", 6))
      .invoice(sales_invoice("c-1", "INV-3", "1234.56", -2).in("EUR"))
      .invoice(sales_invoice("c-1", "INV-4", "0.01", 7).in("USD"));
  SyncWorld world(seed);
  world.start_daemon();
  const auto state = world.state();
  const auto* party = state.party(11);
  REQUIRE(party);
  const auto outstanding = SandboxState::field(*party, "Outstanding");
  REQUIRE(outstanding);
  INFO(*outstanding);
  CHECK(outstanding->find("0.30 GBP") != std::string::npos);  // 0.1 + 0.2 exactly
  CHECK(outstanding->find("1,234.56 EUR") != std::string::npos);
  CHECK(outstanding->find("0.01 USD") != std::string::npos);
  CHECK(std::count(outstanding->begin(), outstanding->end(), ';') == 2);  // three separate amounts
  CHECK(SandboxState::field(*party, "Overdue") == "1,234.56 EUR");
  CHECK(world.query_text("SELECT group_concat(currency || ' ' || total, ', ') FROM "
                         "(SELECT currency, total FROM invoices WHERE connection = 'acme' ORDER BY number)") ==
        "GBP 0.10, GBP 0.20, EUR 1234.56, USD 0.01");
}

TEST_CASE("R9 overdue means due before today in the connection's time zone") {
  FOR_EACH_PROVIDER();
  // A zone whose date differs from UTC's right now: east of UTC late in the UTC day, west of
  // it early in the day. The sandbox clock runs on UTC, as the providers' due dates do.
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  const bool east = utc.tm_hour >= 10;  // Kiritimati (UTC+14) is already tomorrow
  WorldOptions options;
  options.time_zone = east ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";  // UTC-11 is still yesterday
  INFO("time zone " << options.time_zone << ", sandbox clock of the seed runs on UTC");

  Seed seed(provider);
  seed.party(organisation(11, "Zone Ltd"))
      .contact(org_contact("c-1", "Zone Ltd"))
      // East: due today (UTC) is overdue in the zone. West: due yesterday (UTC) is not yet.
      .invoice(sales_invoice("c-1", "INV-1", "10.00", east ? 0 : -1))
      .invoice(sales_invoice("c-1", "INV-2", "20.00", -3));  // overdue everywhere
  SyncWorld world(seed, options);
  REQUIRE(world.sandbox_now().substr(0, 10) == utc_date(0));
  world.start_daemon();
  const auto state = world.state();
  const auto* party = state.party(11);
  REQUIRE(party);
  CHECK(SandboxState::field(*party, "Outstanding") == "30.00 GBP");
  CHECK(SandboxState::field(*party, "Overdue") == (east ? "30.00 GBP" : "20.00 GBP"));
  CHECK(SandboxState::has_tag(*party, "Overdue invoices"));
}

TEST_CASE("R6 a voided overdue invoice takes the overdue tag and amount off at the next sync") {
  FOR_EACH_PROVIDER(Trait::invoice_writes);
  Seed seed(provider);
  seed.party(organisation(11, "Overdue Org"))
      .contact(org_contact("c-1", "Overdue Org"))
      .invoice(sales_invoice("c-1", "INV-1", "100.00", -5).keyed("i-1"))
      .invoice(sales_invoice("c-1", "INV-2", "50.00", 10));
  SyncWorld world(seed);
  world.start_daemon();
  {
    const auto state = world.state();
    REQUIRE(SandboxState::has_tag(*state.party(11), kTag));
  }
  world.kit().void_invoice(world.kit().invoice_id("i-1"));
  world.sync();

  const auto state = world.state();
  const auto* party = state.party(11);
  REQUIRE(party);
  CHECK_FALSE(SandboxState::has_tag(*party, kTag));
  CHECK_FALSE(SandboxState::field(*party, "Overdue"));
  CHECK(SandboxState::field(*party, "Outstanding") == "50.00 GBP");
}
