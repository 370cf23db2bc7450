// The sync engine over the live connectors with provider kashflow, against capsync-sandbox,
// logging in with username, password and memorable word: R3 (every active customer qualifies,
// invoices or not; archived ones do not) and R6 (suppliers and purchases are never read), end
// to end, with the summary money exact.

#include <catch2/catch.hpp>

#include "test/unit/connectors/engine_sandbox_fixture.hpp"

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
    "suppliers": [{"Code": "SUP01", "Name": "Supply Co"}],
    "purchases": [{"Number": 1, "SupplierCode": "SUP01", "GrossAmount": "30.00", "IssuedDateOffsetDays": -40,
                   "DueDateOffsetDays": -10}]
  })js";

}  // namespace

TEST_CASE("R3 every active KashFlow customer qualifies without invoices, R6 suppliers and purchases never read") {
  test::EngineSandboxFixture sandbox(kProviderSeed, [](config::ConnectionConfig& connection, const std::string& base) {
    connection.time_zone = "Europe/London";
    connection.accounting.provider = config::Provider::kashflow;
    connection.accounting.base_url = base + "/kashflow/v2";
    connection.accounting.username = "sandbox";
    connection.accounting.password = Secret("sandbox-password");
    connection.accounting.memorable_word = Secret("pineapple");
  });

  auto pulled = sandbox.pull();
  INFO((pulled.ok() ? std::string() : pulled.error().message()));
  REQUIRE(pulled.ok());

  auto after = sandbox.parties();
  CHECK(after.size() == 3);  // Acme and Jane linked; Globex created; Old Co archived
  CHECK(after["Acme Ltd"].starts_with("organisation;Outstanding=100.25 GBP;Overdue=100.25 GBP;"));
  CHECK(after["Acme Ltd"].ends_with(";tag=Overdue invoices;"));
  CHECK(after["Jane Doe"] == "person;");
  CHECK(after["Globex"] == "organisation;");
  CHECK_FALSE(after.contains("Supply Co"));
  CHECK_FALSE(after.contains("Old Co"));

  auto log = sandbox.get("/_admin/requests");
  REQUIRE(log.ok());
  CHECK(log->body.find("/kashflow/v2/suppliers") == std::string::npos);
  CHECK(log->body.find("/kashflow/v2/purchases") == std::string::npos);
  CHECK(log->body.find("/kashflow/v2/customers") != std::string::npos);
}
