// The sync engine over the live connectors with provider kashflow, against capsync-sandbox,
// logging in with username, password and memorable word: R3 (every active customer and every
// active supplier qualifies, invoices or not; archived ones do not), R17 (a supplier named like
// a customer makes no second party: the customer is linked) and R6 (purchases are read and shown only with
// include_supplier_invoices), end to end, with the summary money exact.

#include <catch2/catch.hpp>

#include "test/unit/connectors/engine_sandbox_fixture.hpp"
#include "connectors/registry/registry.hpp"

using namespace capsync;

namespace {

constexpr std::string_view kProviderSeed = R"js("kashflow": {
    "users": [{"username": "sandbox", "password": "sandbox-password", "memorableWord": "pineapple"}],
    "customers": [
      {"Code": "ACME01", "Name": "Acme Ltd", "Contacts": [{"Firstname": "Ann", "LastName": "Acme"}]},
      {"Code": "JANE01", "Name": "Jane Doe", "Contacts": [{"Firstname": "Jane", "LastName": "Doe"}]},
      {"Code": "GLOB01", "Name": "Globex"},
      {"Code": "OLD01", "Name": "Old Co", "IsArchived": true}
    ],
    "invoices": [{"Number": 1, "CustomerCode": "ACME01", "GrossAmount": "120.50", "TotalPaidAmount": "20.25",
                  "IssuedDateOffsetDays": -40, "DueDateOffsetDays": -10}],
    "suppliers": [{"Code": "SUP01", "Name": "Supply Co"}, {"Code": "ACME01", "Name": "Acme Ltd"},
                  {"Code": "GONE01", "Name": "Gone Supplies", "IsArchived": true}],
    "purchases": [{"Number": 1, "SupplierCode": "SUP01", "GrossAmount": "30.00", "IssuedDateOffsetDays": -40,
                   "DueDateOffsetDays": -10}]
  })js";

test::EngineSandboxFixture::Configure configure(bool include_supplier_invoices) {
  return [=](config::ConnectionConfig& connection, const std::string& base) {
    connection.time_zone = "Europe/London";
    connection.accounting.provider = registry::find("kashflow").value()->traits;
    connection.accounting.base_url = base + "/kashflow/v2";
    connection.accounting.username = "sandbox";
    connection.accounting.password = Secret("sandbox-password");
    connection.accounting.memorable_word = Secret("pineapple");
    connection.sync.include_supplier_invoices = include_supplier_invoices;
  };
}

}  // namespace

TEST_CASE("R3 every active KashFlow customer and supplier qualifies without invoices, R17 same-named supplier not linked, R6 purchases not read by default") {
  test::EngineSandboxFixture sandbox(kProviderSeed, configure(false));

  auto pulled = sandbox.pull();
  INFO((pulled.ok() ? std::string() : pulled.error().message()));
  REQUIRE(pulled.ok());

  auto after = sandbox.parties();
  CHECK(after.size() == 4);  // Acme and Jane linked; Globex and Supply Co created; the archived ones not
  CHECK(after["Acme Ltd"].starts_with("organisation;Outstanding=100.25 GBP;Overdue=100.25 GBP;"));
  CHECK(after["Acme Ltd"].ends_with(";tag=Overdue invoices;"));
  CHECK(after["Jane Doe"] == "person;");
  CHECK(after["Globex"] == "organisation;");
  CHECK(after["Supply Co"] == "organisation;");  // its purchase is not shown (R6)
  CHECK_FALSE(after.contains("Old Co"));
  CHECK_FALSE(after.contains("Gone Supplies"));

  auto log = sandbox.get("/_admin/requests");
  REQUIRE(log.ok());
  CHECK(log->body.find("/kashflow/v2/suppliers") != std::string::npos);
  CHECK(log->body.find("/kashflow/v2/purchases") == std::string::npos);
  CHECK(log->body.find("/kashflow/v2/customers") != std::string::npos);

  // The supplier named like the customer Acme Ltd made no second party: the customer is linked.
  auto state = sandbox.get("/_admin/state");
  REQUIRE(state.ok());
  std::size_t named = 0;
  for (auto at = state->body.find(R"("name":"Acme Ltd")"); at != std::string::npos;
       at = state->body.find(R"("name":"Acme Ltd")", at + 1))
    ++named;
  CHECK(named == 1);
}

TEST_CASE("R6 KashFlow purchases are read and shown on the supplier's party with include_supplier_invoices") {
  test::EngineSandboxFixture sandbox(kProviderSeed, configure(true));

  auto pulled = sandbox.pull();
  INFO((pulled.ok() ? std::string() : pulled.error().message()));
  REQUIRE(pulled.ok());

  auto after = sandbox.parties();
  CHECK(after["Supply Co"].starts_with("organisation;Outstanding=30.00 GBP;Overdue=30.00 GBP;"));
  CHECK(after["Acme Ltd"].starts_with("organisation;Outstanding=100.25 GBP;Overdue=100.25 GBP;"));
  auto log = sandbox.get("/_admin/requests");
  REQUIRE(log.ok());
  CHECK(log->body.find("/kashflow/v2/purchases") != std::string::npos);
}
