// The sync engine over the live connectors with provider freshbooks, against capsync-sandbox:
// an initial sync links and creates parties from FreshBooks clients (R3: every active client
// qualifies, invoices or not; archived and deleted ones do not) and writes the invoice summary
// from exact money, leaving drafts and deleted invoices out (R6).

#include <catch2/catch.hpp>

#include "test/unit/connectors/engine_sandbox_fixture.hpp"
#include "connectors/registry/registry.hpp"

using namespace capsync;

namespace {

constexpr std::string_view kProviderSeed = R"js("freshbooks": {
    "clients": [{"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}],
    "refreshTokens": ["freshbooks-sandbox-refresh-token"],
    "business": {"name": "Sandbox Studio Inc.", "account_id": "SBX001", "currency_code": "USD"},
    "customers": [
      {"id": 101, "organization": "Acme Ltd", "fname": "Ann", "lname": "Acme"},
      {"id": 102, "fname": "Jane", "lname": "Doe", "organization": "Jane Doe"},
      {"id": 103, "organization": "Globex"},
      {"id": 104, "organization": "Old Co", "vis_state": 2},
      {"id": 105, "organization": "Gone Co", "vis_state": 1}
    ],
    "invoices": [{"id": 1, "customerid": 101, "invoice_number": "0000001", "amount": "120.50", "paid": "20.25",
                  "create_date_offset_days": -40, "due_date_offset_days": -10},
                 {"id": 2, "customerid": 103, "invoice_number": "0000002", "amount": "30.00", "v3_status": "draft",
                  "create_date_offset_days": -5, "due_date_offset_days": -1},
                 {"id": 3, "customerid": 103, "invoice_number": "0000003", "amount": "45.00", "vis_state": 1,
                  "create_date_offset_days": -40, "due_date_offset_days": -10}]
  })js";

}  // namespace

TEST_CASE("R3 every active FreshBooks client qualifies without invoices, archived and deleted ones do not, R6 drafts and deleted invoices left out") {
  test::EngineSandboxFixture sandbox(kProviderSeed, [](config::ConnectionConfig& connection, const std::string& base) {
    connection.time_zone = "America/New_York";
    connection.accounting.provider = registry::find("freshbooks").value()->traits;
    connection.accounting.base_url = base + "/freshbooks";
    connection.accounting.token_url = base + "/freshbooks/auth/oauth/token";
    connection.accounting.client_id = "sandbox-client-id";
    connection.accounting.client_secret = Secret("sandbox-client-secret");
    connection.accounting.refresh_token = Secret("freshbooks-sandbox-refresh-token");
  });

  auto pulled = sandbox.pull();
  INFO((pulled.ok() ? std::string() : pulled.error().message()));
  REQUIRE(pulled.ok());

  auto after = sandbox.parties();
  CHECK(after.size() == 3);  // Acme and Jane linked, Globex created; Old Co (archived) and Gone Co (deleted) not
  CHECK(after["Acme Ltd"].starts_with("organisation;Outstanding=100.25 USD;Overdue=100.25 USD;"));
  CHECK(after["Acme Ltd"].ends_with(";tag=Overdue invoices;"));
  CHECK(after["Jane Doe"] == "person;");
  CHECK(after["Globex"] == "organisation;");  // a draft and a deleted invoice owe nothing
  CHECK_FALSE(after.contains("Old Co"));
  CHECK_FALSE(after.contains("Gone Co"));
}
