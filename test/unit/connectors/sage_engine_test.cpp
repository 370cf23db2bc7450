// The sync engine over the live connectors with provider sage, against capsync-sandbox: the
// rules that differ by provider (R3: every customer qualifies, invoices or not; archived ones
// do not; R6: supplier invoices left out by default), end to end.

#include <catch2/catch.hpp>

#include "test/unit/connectors/engine_sandbox_fixture.hpp"
#include "connectors/registry/registry.hpp"

using namespace capsync;

namespace {

constexpr std::string_view kProviderSeed = R"js("sage": {
    "clients": [{"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}],
    "refreshTokens": ["sage-sandbox-refresh-token"],
    "businesses": [{"id": "5a1e0b0c0d0e4f10a1b2c3d4e5f60001", "name": "Sandbox Business (UK)"}],
    "contacts": [
      {"id": "c1", "name": "Acme Ltd", "contact_type_ids": ["CUSTOMER"], "main_contact_person": {"name": "Ann Acme"}},
      {"id": "c2", "name": "Jane Doe", "contact_type_ids": ["CUSTOMER"], "main_contact_person": {"name": "Jane Doe"}},
      {"id": "c3", "name": "Globex", "contact_type_ids": ["CUSTOMER"]},
      {"id": "c4", "name": "Supply Co", "contact_type_ids": ["VENDOR"]},
      {"id": "c5", "name": "Old Co", "contact_type_ids": ["CUSTOMER"], "is_active": false}
    ],
    "sales_invoices": [{"id": "s1", "contact_id": "c1", "invoice_number": "SI-1", "total_amount": 120.50,
                        "total_paid": 20.25, "date_offset_days": -40, "due_date_offset_days": -10}],
    "purchase_invoices": [{"id": "p1", "contact_id": "c4", "vendor_reference": "B-1", "total_amount": 30,
                           "date_offset_days": -40, "due_date_offset_days": -10}]
  })js";

}  // namespace

TEST_CASE("R3 every active Sage customer and supplier qualifies without invoices, R6 supplier invoices left out") {
  test::EngineSandboxFixture sandbox(kProviderSeed, [](config::ConnectionConfig& connection, const std::string& base) {
    connection.time_zone = "Europe/London";
    connection.accounting.provider = registry::find("sage").value()->traits;
    connection.accounting.base_url = base + "/sage/v3.1";
    connection.accounting.token_url = base + "/sage-oauth/token";
    connection.accounting.client_id = "sandbox-client-id";
    connection.accounting.client_secret = Secret("sandbox-client-secret");
    connection.accounting.refresh_token = Secret("sage-sandbox-refresh-token");
  });

  auto pulled = sandbox.pull();
  INFO((pulled.ok() ? std::string() : pulled.error().message()));
  REQUIRE(pulled.ok());

  auto after = sandbox.parties();
  CHECK(after.size() == 4);  // Acme and Jane linked; Globex and Supply Co created; Old Co archived
  CHECK(after["Acme Ltd"].starts_with("organisation;Outstanding=100.25 GBP;Overdue=100.25 GBP;"));
  CHECK(after["Acme Ltd"].ends_with(";tag=Overdue invoices;"));
  CHECK(after["Jane Doe"] == "person;");
  CHECK(after["Globex"] == "organisation;");
  CHECK(after["Supply Co"] == "organisation;");  // its purchase invoice is not shown (R6)
  CHECK_FALSE(after.contains("Old Co"));
}
