// --time-scale compresses rate windows, not the time a client needs to use what it was just
// handed: access tokens, authorization codes and KashFlow's login step stay usable for at
// least 30 s of wall time however compressed (real ones last 5 minutes or more), and an
// access token lives for the whole `expires_in` it reports.

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "core/encoding/base64.hpp"
#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::sandbox;
using namespace capsync::sandbox::test;

namespace {

const std::string kBusiness = "5a1e0b0c0d0e4f10a1b2c3d4e5f60001";
const std::string kTenant = "b0a1c2d3-0000-4000-8000-000000000001";
constexpr double kMinLifetimeS = 30;

rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

void advance(const SandboxFixture& sandbox, double seconds) {
  REQUIRE(sandbox.send("POST", "/_admin/time", "{\"advance_s\":" + std::to_string(seconds) + "}").status == 200);
}

const std::string kSageSeed = R"({"sage":{"clients":[{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}],
    "refreshTokens":["sage-sandbox-refresh-token"],"businesses":[{"id":")" + kBusiness + R"(","name":"Lead"}],
    "contacts":[]}})";

HttpResult sage_token(const SandboxFixture& sandbox, const std::string& form) {
  return sandbox.send("POST", "/sage-oauth/token",
                      "client_id=sandbox-client-id&client_secret=sandbox-client-secret&" + form,
                      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}});
}

int sage_contacts(const SandboxFixture& sandbox, const std::string& access) {
  return sandbox
      .get("/sage/v3.1/contacts", {{"Authorization", "Bearer " + access}, {"X-Business", kBusiness}, {"Accept", "application/json"}})
      .status;
}

}  // namespace

TEST_CASE("Compressed Sage access tokens live at least 30 s and for the whole expires_in they report") {
  const double scale = GENERATE(600.0, 3000.0);
  INFO("--time-scale " << scale);
  SandboxFixture sandbox(kSageSeed, scale);
  auto issued = sage_token(sandbox, "grant_type=refresh_token&refresh_token=sage-sandbox-refresh-token");
  REQUIRE(issued.status == 200);
  auto body = json(issued.body);
  const double expires_in = body["expires_in"].GetDouble();
  const std::string access = body["access_token"].GetString();
  CHECK(expires_in >= kMinLifetimeS);
  // Most of the reported lifetime later the token still works (the rest covers wall time
  // passing during the test); past it, it is refused.
  advance(sandbox, expires_in * 0.9);
  CHECK(sage_contacts(sandbox, access) == 200);
  advance(sandbox, expires_in * 0.1 + 1);
  CHECK(sage_contacts(sandbox, access) == 401);
}

TEST_CASE("A compressed Sage authorization code can still be exchanged 25 s after the redirect") {
  SandboxFixture sandbox(kSageSeed, 3000.0);
  const std::string redirect = url_encode("http://127.0.0.1:9/cb");
  auto page = sandbox.get("/sage-login/oauth2/auth/central?client_id=sandbox-client-id&response_type=code&redirect_uri=" +
                          redirect + "&scope=full_access&state=s");
  REQUIRE(page.status == 302);
  const std::string location = page.header("location");
  const auto at = location.find("code=");
  REQUIRE(at != std::string::npos);
  const std::string code = location.substr(at + 5, location.find('&', at) - at - 5);
  advance(sandbox, 25);
  CHECK(sage_token(sandbox, "grant_type=authorization_code&code=" + code + "&redirect_uri=" + redirect).status == 200);
}

TEST_CASE("Compressed Xero access tokens live at least 30 s and for the whole expires_in they report") {
  SandboxFixture sandbox(R"({"xero":{"clients":[{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}],
    "refreshTokens":["xero-sandbox-refresh-token"],"tenants":[{"tenantId":")" + kTenant + R"(","tenantName":"Sandbox"}],
    "contacts":[]}})",
                         3000.0);
  const std::string basic = "Basic " + capsync::encoding::base64_encode("sandbox-client-id:sandbox-client-secret");
  auto issued = sandbox.send("POST", "/xero-identity/connect/token",
                             "grant_type=refresh_token&refresh_token=xero-sandbox-refresh-token",
                             {{"Authorization", basic}, {"Content-Type", "application/x-www-form-urlencoded"}});
  REQUIRE(issued.status == 200);
  auto body = json(issued.body);
  const double expires_in = body["expires_in"].GetDouble();
  const std::map<std::string, std::string> headers{{"Authorization", "Bearer " + std::string(body["access_token"].GetString())},
                                                   {"xero-tenant-id", kTenant}, {"Accept", "application/json"}};
  CHECK(expires_in >= kMinLifetimeS);
  advance(sandbox, expires_in * 0.9);
  CHECK(sandbox.get("/xero/api.xro/2.0/Contacts", headers).status == 200);
  advance(sandbox, expires_in * 0.1 + 1);
  CHECK(sandbox.get("/xero/api.xro/2.0/Contacts", headers).status == 401);
}

TEST_CASE("A compressed KashFlow login can finish its memorable word step 25 s after the password step") {
  SandboxFixture sandbox(R"({"kashflow":{"users":[{"username":"u","password":"p","memorableWord":"pineapple"}]}})", 3000.0);
  auto challenge = sandbox.send("POST", "/kashflow/v2/sessiontoken", R"({"UserName":"u","Password":"p"})",
                                {{"Content-Type", "application/json"}});
  REQUIRE(challenge.status == 200);
  auto doc = json(challenge.body);
  std::string answer = R"({"TemporaryToken":")" + std::string(doc["TemporaryToken"].GetString()) + R"(","MemorableWordList":[)";
  const std::string word = "pineapple";
  bool first = true;
  for (const auto& l : doc["MemorableWordList"].GetArray()) {
    const int p = l["Position"].GetInt();
    answer += std::string(first ? "" : ",") + R"({"Position":)" + std::to_string(p) + R"(,"Value":")" +
              word.substr(static_cast<std::size_t>(p - 1), 1) + R"("})";
    first = false;
  }
  answer += "]}";
  advance(sandbox, 25);
  CHECK(sandbox.send("PUT", "/kashflow/v2/sessiontoken", answer, {{"Content-Type", "application/json"}}).status == 200);
}
