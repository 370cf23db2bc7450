// Fake Xero: OAuth token flow, tenancy, Contacts paging/filters/writes, Invoices, limits.

#include <catch2/catch.hpp>
#include <openssl/sha.h>
#include <rapidjson/document.h>

#include "core/encoding/base64.hpp"
#include "test/sandbox/xero_identity.hpp"
#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::sandbox;
using namespace capsync::sandbox::test;

namespace {

const std::string kTenant = "b0a1c2d3-0000-4000-8000-000000000001";
const std::string kBasic = "Basic " + capsync::encoding::base64_encode("sandbox-client-id:sandbox-client-secret");

rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

HttpResult refresh(const SandboxFixture& sandbox, const std::string& token) {
  return sandbox.send("POST", "/xero-identity/connect/token", "grant_type=refresh_token&refresh_token=" + url_encode(token),
                      {{"Authorization", kBasic}, {"Content-Type", "application/x-www-form-urlencoded"}});
}

std::string access_token(const SandboxFixture& sandbox) {
  auto result = refresh(sandbox, "xero-sandbox-refresh-token");
  REQUIRE(result.status == 200);
  return json(result.body)["access_token"].GetString();
}

std::map<std::string, std::string> api_headers(const std::string& token) {
  return {{"Authorization", "Bearer " + token}, {"xero-tenant-id", kTenant}, {"Content-Type", "application/json"},
          {"Accept", "application/json"}};
}

void advance(const SandboxFixture& sandbox, int seconds) {
  REQUIRE(sandbox.send("POST", "/_admin/time", "{\"advance_s\":" + std::to_string(seconds) + "}").status == 200);
}

std::string contacts_seed(int count, const std::string& limits = "") {
  std::string contacts;
  for (int i = 0; i < count; ++i)
    contacts += (i ? "," : "") + std::string(R"({"Name":"Contact )") + std::to_string(i) + R"("})";
  return R"({"xero":{"clients":[{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}],
    "refreshTokens":["xero-sandbox-refresh-token"],
    "tenants":[{"tenantId":")" + kTenant + R"(","tenantName":"Sandbox"}],)" + limits + R"("contacts":[)" + contacts + "]}}";
}

}  // namespace

TEST_CASE("Xero refresh tokens rotate; the previous one only works within the grace window while unused") {
  SandboxFixture sandbox;
  auto first = refresh(sandbox, "xero-sandbox-refresh-token");
  REQUIRE(first.status == 200);
  auto body = json(first.body);
  CHECK(std::string(body["token_type"].GetString()) == "Bearer");
  CHECK(body["expires_in"].GetInt() == 1800);
  std::string second = body["refresh_token"].GetString();
  CHECK(second != "xero-sandbox-refresh-token");

  // The response "got lost": the old token is retried within the grace window.
  auto retried = refresh(sandbox, "xero-sandbox-refresh-token");
  REQUIRE(retried.status == 200);
  std::string third = json(retried.body)["refresh_token"].GetString();
  CHECK(refresh(sandbox, second).status == 400);  // superseded by the retry
  auto fourth = refresh(sandbox, third);
  REQUIRE(fourth.status == 200);
  // Its successor has now been used, so the old one is dead for good.
  auto dead = refresh(sandbox, "xero-sandbox-refresh-token");
  CHECK(dead.status == 400);
  CHECK(dead.body == R"({"error":"invalid_grant"})");
  CHECK(refresh(sandbox, "never-issued").status == 400);
}

TEST_CASE("Xero authorization code flow with PKCE, then connections") {
  SandboxFixture sandbox;
  std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  std::string challenge = capsync::encoding::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
  auto authorize = sandbox.get("/xero-login/identity/connect/authorize?response_type=code&client_id=sandbox-client-id"
                               "&redirect_uri=" + url_encode("http://localhost:9999/callback") +
                               "&scope=" + url_encode("offline_access accounting.contacts") + "&state=xyz"
                               "&code_challenge=" + challenge + "&code_challenge_method=S256");
  REQUIRE(authorize.status == 302);
  std::string location = authorize.header("location");
  REQUIRE(location.starts_with("http://localhost:9999/callback?code="));
  CHECK(location.find("&state=xyz") != std::string::npos);
  std::string code = location.substr(location.find("code=") + 5);
  code = code.substr(0, code.find('&'));
  auto exchange = [&](const std::string& v) {
    return sandbox.send("POST", "/xero-identity/connect/token",
                        "grant_type=authorization_code&client_id=sandbox-client-id&code=" + code +
                            "&redirect_uri=" + url_encode("http://localhost:9999/callback") + "&code_verifier=" + v,
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
  };
  REQUIRE(exchange("wrong-verifier").status == 400);  // and the code is spent
  // Fresh code for the right verifier.
  authorize = sandbox.get("/xero-login/identity/connect/authorize?response_type=code&client_id=sandbox-client-id"
                          "&redirect_uri=" + url_encode("http://localhost:9999/callback") +
                          "&scope=offline_access&state=s2&code_challenge=" + challenge + "&code_challenge_method=S256");
  location = authorize.header("location");
  code = location.substr(location.find("code=") + 5);
  code = code.substr(0, code.find('&'));
  auto tokens = exchange(verifier);
  REQUIRE(tokens.status == 200);
  auto body = json(tokens.body);
  REQUIRE(body.HasMember("refresh_token"));
  auto connections = sandbox.get("/xero/connections", {{"Authorization", std::string("Bearer ") + body["access_token"].GetString()}});
  REQUIRE(connections.status == 200);
  auto list = json(connections.body);
  REQUIRE(list.IsArray());
  CHECK(std::string(list[0]["tenantId"].GetString()) == kTenant);
  CHECK(std::string(list[0]["tenantType"].GetString()) == "ORGANISATION");
}

TEST_CASE("Xero access tokens expire after 30 minutes of sandbox time; the tenant header is required") {
  SandboxFixture sandbox;
  auto token = access_token(sandbox);
  CHECK(sandbox.get("/xero/api.xro/2.0/Contacts", api_headers(token)).status == 200);
  CHECK(sandbox.get("/xero/api.xro/2.0/Contacts", {{"Authorization", "Bearer " + token}}).status == 403);
  CHECK(sandbox.get("/xero/api.xro/2.0/Contacts").status == 401);
  advance(sandbox, 1800);
  auto expired = sandbox.get("/xero/api.xro/2.0/Contacts", api_headers(token));
  CHECK(expired.status == 401);
  CHECK(std::string(json(expired.body)["Detail"].GetString()).starts_with("TokenExpired: token expired at "));
}

TEST_CASE("Xero Organisation names the tenant and gives the ShortCode deep links use") {
  SandboxFixture sandbox;
  auto token = access_token(sandbox);
  auto org = sandbox.get("/xero/api.xro/2.0/Organisation", api_headers(token));
  REQUIRE(org.status == 200);
  auto doc = json(org.body);
  REQUIRE(doc["Organisations"].Size() == 1);
  CHECK(std::string(doc["Organisations"][0]["OrganisationID"].GetString()) == kTenant);
  std::string code = doc["Organisations"][0]["ShortCode"].GetString();
  CHECK(code.size() == 6);
  CHECK(code.front() == '!');
  CHECK(sandbox.get("/xero/api.xro/2.0/Organisation", {{"Authorization", "Bearer " + token}}).status == 403);
}

TEST_CASE("Xero contacts are paged and filtered by If-Modified-Since") {
  SandboxFixture sandbox(contacts_seed(250));
  auto token = access_token(sandbox);
  auto page3 = json(sandbox.get("/xero/api.xro/2.0/Contacts?page=3", api_headers(token)).body);
  CHECK(page3["Contacts"].Size() == 50);
  CHECK(page3["pagination"]["pageCount"].GetInt() == 3);
  CHECK(page3["pagination"]["itemCount"].GetInt() == 250);
  auto big = json(sandbox.get("/xero/api.xro/2.0/Contacts?page=1&pageSize=1000", api_headers(token)).body);
  CHECK(big["Contacts"].Size() == 250);
  auto named = json(sandbox.get("/xero/api.xro/2.0/Contacts?where=" + url_encode("Name==\"Contact 7\""), api_headers(token)).body);
  REQUIRE(named["Contacts"].Size() == 1);
  std::string id = named["Contacts"][0]["ContactID"].GetString();

  advance(sandbox, 60);
  auto now = json(sandbox.get("/_admin/time").body);
  std::string since = now["now"].GetString();
  REQUIRE(sandbox.send("POST", "/xero/api.xro/2.0/Contacts/" + id, R"({"Contacts":[{"EmailAddress":"c7@example.test"}]})",
                       api_headers(token)).status == 200);
  auto headers = api_headers(token);
  headers["If-Modified-Since"] = since;
  auto changed = json(sandbox.get("/xero/api.xro/2.0/Contacts?page=1", headers).body);
  REQUIRE(changed["Contacts"].Size() == 1);
  CHECK(std::string(changed["Contacts"][0]["Name"].GetString()) == "Contact 7");  // partial update kept the name
  CHECK(std::string(changed["Contacts"][0]["UpdatedDateUTC"].GetString()).starts_with("/Date("));
}

TEST_CASE("Xero refuses a second active contact with the same name") {
  SandboxFixture sandbox(contacts_seed(3));
  auto token = access_token(sandbox);
  auto dup = sandbox.send("PUT", "/xero/api.xro/2.0/Contacts", R"({"Contacts":[{"Name":"contact 1"}]})", api_headers(token));
  REQUIRE(dup.status == 400);
  auto body = json(dup.body);
  CHECK(body["ErrorNumber"].GetInt() == 10);
  CHECK(std::string(body["Type"].GetString()) == "ValidationException");
  CHECK(std::string(body["Elements"][0]["ValidationErrors"][0]["Message"].GetString()) ==
        "The contact name contact 1 is already assigned to another contact. The contact name must be unique across all active contacts.");

  auto mixed = sandbox.send("PUT", "/xero/api.xro/2.0/Contacts?summarizeErrors=false",
                            R"({"Contacts":[{"Name":"Contact 2"},{"Name":"Brand New"}]})", api_headers(token));
  REQUIRE(mixed.status == 200);
  auto mixed_body = json(mixed.body);
  auto elements = mixed_body["Contacts"].GetArray();
  CHECK(elements[0]["HasValidationErrors"].GetBool());
  CHECK(std::string(elements[0]["StatusAttributeString"].GetString()) == "ERROR");
  CHECK_FALSE(elements[1]["HasValidationErrors"].GetBool());
  auto all = json(sandbox.get("/xero/api.xro/2.0/Contacts", api_headers(token)).body);
  CHECK(all["Contacts"].Size() == 4);
}

TEST_CASE("Xero replays a PUT with the same Idempotency-Key instead of creating twice") {
  SandboxFixture sandbox(contacts_seed(0));
  auto token = access_token(sandbox);
  auto headers = api_headers(token);
  headers["Idempotency-Key"] = "create-acme-1";
  std::string body = R"({"Contacts":[{"Name":"Acme","ContactPersons":[{"FirstName":"Ann","EmailAddress":"ann@acme.test"}]}]})";
  auto first = sandbox.send("PUT", "/xero/api.xro/2.0/Contacts", body, headers);
  auto second = sandbox.send("PUT", "/xero/api.xro/2.0/Contacts", body, headers);
  REQUIRE(first.status == 200);
  CHECK(second.status == 200);
  CHECK(first.body == second.body);
  CHECK(sandbox.send("PUT", "/xero/api.xro/2.0/Contacts", R"({"Contacts":[{"Name":"Other"}]})", headers).status == 400);
  auto all = json(sandbox.get("/xero/api.xro/2.0/Contacts", api_headers(token)).body);
  REQUIRE(all["Contacts"].Size() == 1);
  std::string id = all["Contacts"][0]["ContactID"].GetString();
  // An empty ContactPersons does not clear the list; a non-empty one replaces it.
  auto kept = json(sandbox.send("POST", "/xero/api.xro/2.0/Contacts/" + id, R"({"Contacts":[{"ContactPersons":[]}]})",
                                api_headers(token)).body);
  CHECK(kept["Contacts"][0]["ContactPersons"].Size() == 1);
  auto replaced = json(sandbox.send("POST", "/xero/api.xro/2.0/Contacts/" + id,
                                    R"({"Contacts":[{"ContactPersons":[{"FirstName":"Bo"},{"FirstName":"Cy"}]}]})",
                                    api_headers(token)).body);
  CHECK(replaced["Contacts"][0]["ContactPersons"].Size() == 2);
}

TEST_CASE("Xero invoices keep exact money and filter by status and contact") {
  std::string seed = R"({"xero":{"clients":[{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}],
    "refreshTokens":["xero-sandbox-refresh-token"],"tenants":[{"tenantId":")" + kTenant + R"("}],
    "contacts":[{"ContactID":"a3675fc4-f8dd-4f03-ba5b-f1870566bcd7","Name":"Barney Rubble"}],
    "invoices":[{"Type":"ACCREC","Status":"AUTHORISED","Contact":{"ContactID":"a3675fc4-f8dd-4f03-ba5b-f1870566bcd7"},
                 "Total":46.10,"AmountPaid":10.05,"DateString":"2026-01-01","DueDateOffsetDays":-3,"CurrencyCode":"NZD"},
                {"Type":"ACCREC","Status":"PAID","Contact":{"Name":"Barney Rubble"},"Total":12.00,"DueDateOffsetDays":10}]}})";
  SandboxFixture sandbox(seed);
  auto token = access_token(sandbox);
  auto open = sandbox.get("/xero/api.xro/2.0/Invoices?Statuses=AUTHORISED&ContactIDs=a3675fc4-f8dd-4f03-ba5b-f1870566bcd7",
                          api_headers(token));
  REQUIRE(open.status == 200);
  CHECK(open.body.find("\"Total\":46.10") != std::string::npos);
  CHECK(open.body.find("\"AmountDue\":36.05") != std::string::npos);
  CHECK(open.body.find("\"DateString\":\"2026-01-01T00:00:00\"") != std::string::npos);
  CHECK(json(open.body)["Invoices"].Size() == 1);
  auto contact = sandbox.get("/xero/api.xro/2.0/Contacts/a3675fc4-f8dd-4f03-ba5b-f1870566bcd7", api_headers(token));
  CHECK(contact.body.find("\"AccountsReceivable\":{\"Outstanding\":36.05,\"Overdue\":36.05}") != std::string::npos);
  CHECK(contact.body.find("\"IsCustomer\":true") != std::string::npos);
  auto sales = json(sandbox.get("/xero/api.xro/2.0/Invoices?where=" + url_encode("Type==\"ACCREC\""), api_headers(token)).body);
  CHECK(sales["Invoices"].Size() == 2);
}

TEST_CASE("Xero answers 429 with Retry-After once the minute limit is spent, compressed by the time scale") {
  SandboxFixture sandbox(contacts_seed(1, R"("rateLimits":{"minute":3},)"), 60.0);
  auto token = access_token(sandbox);
  for (int i = 0; i < 3; ++i) {
    auto ok = sandbox.get("/xero/api.xro/2.0/Contacts", api_headers(token));
    REQUIRE(ok.status == 200);
    CHECK(ok.header("x-minlimit-remaining") == std::to_string(2 - i));
    CHECK_FALSE(ok.header("x-daylimit-remaining").empty());
    CHECK_FALSE(ok.header("x-appminlimit-remaining").empty());
  }
  auto limited = sandbox.get("/xero/api.xro/2.0/Contacts", api_headers(token));
  CHECK(limited.status == 429);
  CHECK(limited.header("x-rate-limit-problem") == "minute");
  CHECK(limited.header("retry-after") == "1");  // 60 s / 60, rounded up
  advance(sandbox, 1);  // one real second is a sandbox minute at scale 60
  CHECK(sandbox.get("/xero/api.xro/2.0/Contacts", api_headers(token)).status == 200);
}

TEST_CASE("Xero's 400 for a reused Idempotency-Key has the Error schema of Xero's spec") {
  SandboxFixture sandbox(contacts_seed(0));
  auto headers = api_headers(access_token(sandbox));
  headers["Idempotency-Key"] = "create-acme-2";
  REQUIRE(sandbox.send("PUT", "/xero/api.xro/2.0/Contacts", R"({"Contacts":[{"Name":"Acme"}]})", headers).status == 200);
  auto reused = sandbox.send("PUT", "/xero/api.xro/2.0/Contacts", R"({"Contacts":[{"Name":"Other"}]})", headers);
  REQUIRE(reused.status == 400);
  auto body = json(reused.body);
  // Error: {ErrorNumber: integer, Type: string, Message: string, Elements?: array}
  REQUIRE(body.HasMember("ErrorNumber"));
  CHECK(body["ErrorNumber"].IsInt());
  REQUIRE(body.HasMember("Type"));
  CHECK(body["Type"].IsString());
  REQUIRE(body.HasMember("Message"));
  CHECK(body["Message"].IsString());
  headers["Idempotency-Key"] = std::string(129, 'k');
  auto too_long = json(sandbox.send("PUT", "/xero/api.xro/2.0/Contacts", R"({"Contacts":[{"Name":"Third"}]})", headers).body);
  CHECK(too_long["Type"].IsString());
  CHECK(too_long["ErrorNumber"].IsInt());
}
