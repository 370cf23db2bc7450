// The sync engine over the live connectors with provider sage, against capsync-sandbox, fed
// hostile JSON: a body nested a million deep from the provider's list, its token endpoint or
// Capsule fails that sync job with a clear error and the process carries on; the next sync,
// once the service answers normally again, succeeds. One record that cannot be read (a field of
// the wrong type, a name that is not UTF-8) is skipped with a conflict naming it (R17) while
// the rest of its page is linked.

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test/unit/connectors/engine_sandbox_fixture.hpp"
#include "connectors/registry/registry.hpp"

using namespace capsync;

namespace {

constexpr std::string_view kProviderSeed = R"js("sage": {
    "clients": [{"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}],
    "refreshTokens": ["sage-sandbox-refresh-token"],
    "businesses": [{"id": "5a1e0b0c0d0e4f10a1b2c3d4e5f60001", "name": "Sandbox Business (UK)"}],
    "contacts": [
      {"id": "c1", "name": "Acme Ltd", "contact_type_ids": ["CUSTOMER"]},
      {"id": "c2", "name": "Initech", "contact_type_ids": ["CUSTOMER"]},
      {"id": "c3", "name": "Globex", "contact_type_ids": ["CUSTOMER"]}
    ]
  })js";

void configure(config::ConnectionConfig& connection, const std::string& base) {
  connection.time_zone = "Europe/London";
  connection.accounting.provider = registry::find("sage").value()->traits;
  connection.accounting.base_url = base + "/sage/v3.1";
  connection.accounting.token_url = base + "/sage-oauth/token";
  connection.accounting.client_id = "sandbox-client-id";
  connection.accounting.client_secret = Secret("sandbox-client-secret");
  connection.accounting.refresh_token = Secret("sage-sandbox-refresh-token");
}

}  // namespace

TEST_CASE("JSON nested a million deep fails the sync with a clear error; the next sync succeeds") {
  const std::string prefix = GENERATE(as<std::string>{}, "/sage/v3.1/contacts", "/sage-oauth/token",
                                      "/capsule/api/v2/parties");
  INFO("deep JSON from " << prefix);
  test::EngineSandboxFixture sandbox(kProviderSeed, configure);
  auto armed = sandbox.send(http::Method::post, "/_admin/faults",
                            fmt::format(R"({{"prefix":"{}","kind":"deep_json","count":100}})", prefix));
  REQUIRE(armed.ok());
  REQUIRE(armed->status == 200);

  auto failed = sandbox.pull();
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(failed.error().message(), Catch::Contains("JSON nested deeper than 64 levels"));

  REQUIRE(sandbox.send(http::Method::del, "/_admin/faults").ok());
  auto pulled = sandbox.pull();
  INFO((pulled.ok() ? std::string() : pulled.error().message()));
  REQUIRE(pulled.ok());
  auto after = sandbox.parties();
  CHECK(after.contains("Acme Ltd"));
  CHECK(after.contains("Globex"));
}

namespace {

void arm(test::EngineSandboxFixture& sandbox, const std::string& fault) {
  auto armed = sandbox.send(http::Method::post, "/_admin/faults", fault);
  REQUIRE(armed.ok());
  REQUIRE(armed->status == 200);
}

}  // namespace

TEST_CASE("R17 a listed contact that cannot be read is skipped with a conflict naming it; the others are linked") {
  const std::string value = GENERATE(as<std::string>{}, R"({"id":["c2"]})", "\"Init\xFF" "ech\"");
  const bool bad_name = value.starts_with("\"");
  INFO("Initech's " << (value.starts_with("\"") ? "name" : "id") << " becomes " << value);
  test::EngineSandboxFixture sandbox(kProviderSeed, configure);
  // Sage lists the contacts in the order they were made: Acme Ltd, Initech, Globex. Initech is spoilt.
  arm(sandbox, fmt::format(R"({{"prefix":"/sage/v3.1/contacts","kind":"corrupt_record","index":1,"field":"{}","value":{}}})",
                           bad_name ? "name" : "id", value));

  auto pulled = sandbox.pull();
  INFO((pulled.ok() ? std::string() : pulled.error().message()));
  REQUIRE(pulled.ok());
  auto after = sandbox.parties();
  CHECK(after.contains("Acme Ltd"));
  CHECK(after.contains("Globex"));
  CHECK(after.size() == 3);  // Acme Ltd, Globex, Jane Doe: nothing made of the unreadable record

  auto conflicts = sandbox.conflicts();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].kind == "unreadable_record");
  CHECK(conflicts[0].remote_id == (bad_name ? "c2" : ""));
  CHECK_THAT(conflicts[0].detail, Catch::Contains("accounting contact at position 2 on page 1 was skipped"));
  CHECK_THAT(conflicts[0].detail,
             Catch::Contains(bad_name ? "'name' is not valid UTF-8" : "'id' is not text"));
  CHECK_THAT(conflicts[0].detail, Catch::Contains(bad_name ? "Init\xEF\xBF\xBD" "ech" : "'Initech'"));

  // Once the record reads again, a full sync links it; the conflict stays for a person to close.
  auto again = sandbox.pull();
  REQUIRE(again.ok());
  CHECK(sandbox.parties().contains("Initech"));
  CHECK(sandbox.conflicts().size() == 1);
}

TEST_CASE("R17 a Capsule party whose name is not UTF-8 is skipped with a conflict naming it; the others are linked") {
  test::EngineSandboxFixture sandbox(kProviderSeed, configure);
  // Capsule lists parties by id: Acme Ltd, then Jane Doe, whose last name is spoilt.
  arm(sandbox, "{\"prefix\":\"/capsule/api/v2/parties\",\"kind\":\"corrupt_record\",\"index\":1,\"field\":\"lastName\",\"value\":\"D\xF6" "e\"}");

  auto pulled = sandbox.pull();
  INFO((pulled.ok() ? std::string() : pulled.error().message()));
  REQUIRE(pulled.ok());
  auto after = sandbox.parties();
  CHECK(after.contains("Acme Ltd"));
  CHECK(after.contains("Globex"));
  CHECK(after.contains("Initech"));

  auto conflicts = sandbox.conflicts();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].kind == "unreadable_record");
  CHECK(conflicts[0].remote_id.empty());
  CHECK_FALSE(conflicts[0].capsule_id.empty());
  CHECK_THAT(conflicts[0].detail, Catch::Contains("'Jane D\xEF\xBF\xBD" "e'"));
  CHECK_THAT(conflicts[0].detail, Catch::Contains("Capsule party at position 2 on page 1 was skipped: 'lastName' is not valid UTF-8"));
}
