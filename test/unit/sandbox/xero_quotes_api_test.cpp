// Fake Xero quotes: list filters and paging as GET /Quotes takes them, create validation in
// Xero's ValidationException shape, the refused transitions, Idempotency-Key replays.

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "core/encoding/base64.hpp"
#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::sandbox;
using namespace capsync::sandbox::test;

namespace {

const std::string kTenant = "b0a1c2d3-0000-4000-8000-000000000001";

// Two contacts; QU-0001 a draft of c-0, QU-0002 sent to c-1, QU-0003 accepted by c-1.
const std::string kSeed = R"({"clock":{"now":"2026-11-23T10:00:00Z"},"xero":{
  "clients":[{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}],
  "refreshTokens":["xero-sandbox-refresh-token"],
  "tenants":[{"tenantId":")" + kTenant + R"(","tenantName":"Sandbox"}],
  "contacts":[{"ContactID":"c-0","Name":"Acme Ltd"},{"ContactID":"c-1","Name":"Globex plc"}],
  "quotes":[
    {"QuoteID":"q-1","Status":"DRAFT","Contact":{"ContactID":"c-0"},"Title":"One","UpdatedDateUTC":"2026-11-01T00:00:01Z",
     "LineItems":[{"Description":"A","Quantity":1,"UnitAmount":10.5}]},
    {"QuoteID":"q-2","Status":"SENT","Contact":{"ContactID":"c-1"},"Title":"Two","UpdatedDateUTC":"2026-11-01T00:00:02Z",
     "LineItems":[{"Description":"B","Quantity":3,"UnitAmount":0.1}]},
    {"QuoteID":"q-3","Status":"ACCEPTED","Contact":{"Name":"Globex plc"},"Title":"Three","UpdatedDateUTC":"2026-11-01T00:00:03Z"}]}})";

rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

std::map<std::string, std::string> api_headers(const SandboxFixture& sandbox) {
  const std::string basic = "Basic " + capsync::encoding::base64_encode("sandbox-client-id:sandbox-client-secret");
  auto token = sandbox.send("POST", "/xero-identity/connect/token",
                            "grant_type=refresh_token&refresh_token=xero-sandbox-refresh-token",
                            {{"Authorization", basic}, {"Content-Type", "application/x-www-form-urlencoded"}});
  REQUIRE(token.status == 200);
  return {{"Authorization", "Bearer " + std::string(json(token.body)["access_token"].GetString())},
          {"xero-tenant-id", kTenant},
          {"Content-Type", "application/json"}};
}

std::vector<std::string> ids(const HttpResult& r) {
  REQUIRE(r.status == 200);
  std::vector<std::string> out;
  auto doc = json(r.body);
  for (const auto& q : doc["Quotes"].GetArray()) out.emplace_back(q["QuoteID"].GetString());
  return out;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_CASE("Xero quotes list by plain parameters, not where, and page by 100") {
  SandboxFixture sandbox(kSeed);
  auto h = api_headers(sandbox);
  CHECK(ids(sandbox.get("/xero/api.xro/2.0/Quotes", h)) == Ids{"q-1", "q-2", "q-3"});
  CHECK(ids(sandbox.get("/xero/api.xro/2.0/Quotes?Status=SENT", h)) == Ids{"q-2"});
  CHECK(ids(sandbox.get("/xero/api.xro/2.0/Quotes?ContactID=c-1", h)) == Ids{"q-2", "q-3"});
  CHECK(ids(sandbox.get("/xero/api.xro/2.0/Quotes?QuoteNumber=QU-0003", h)) == Ids{"q-3"});
  CHECK(ids(sandbox.get("/xero/api.xro/2.0/Quotes?where=Status%3D%3D%22SENT%22", h)) == Ids{"q-1", "q-2", "q-3"});
  CHECK(ids(sandbox.get("/xero/api.xro/2.0/Quotes?order=UpdatedDateUTC%20DESC", h)) == Ids{"q-3", "q-2", "q-1"});
  auto since = h;
  since["If-Modified-Since"] = "2026-11-01T00:00:02";
  CHECK(ids(sandbox.get("/xero/api.xro/2.0/Quotes", since)) == Ids{"q-2", "q-3"});

  auto paged = sandbox.get("/xero/api.xro/2.0/Quotes?page=1&pageSize=2", h);
  auto doc = json(paged.body);
  CHECK(std::string(doc["pagination"]["pageSize"].GetString()) == "100");  // no pageSize on /Quotes
  CHECK(doc["Quotes"].Size() == 3);
  auto q2 = json(sandbox.get("/xero/api.xro/2.0/Quotes/q-2", h).body);
  CHECK(std::string(q2["Quotes"][0]["Total"].GetString()) == "0.30");  // 3 x 0.1, exact
  CHECK(std::string(q2["Quotes"][0]["QuoteNumber"].GetString()) == "QU-0002");
}

TEST_CASE("Xero quote creates are validated whole and replayed by Idempotency-Key") {
  SandboxFixture sandbox(kSeed);
  auto h = api_headers(sandbox);
  auto refused = sandbox.send("PUT", "/xero/api.xro/2.0/Quotes",
                              R"({"Quotes":[{"Contact":{"ContactID":"c-0"},"Title":")" + std::string(101, 'x') + R"("},)"
                              R"({"Contact":{"ContactID":"c-0"},"Status":"ACCEPTED"},{"Title":"no contact"}]})",
                              h);
  REQUIRE(refused.status == 400);
  auto errors = json(refused.body);
  CHECK(std::string(errors["Type"].GetString()) == "ValidationException");
  CHECK(refused.body.find("Title must not be more than 100 characters long.") != std::string::npos);
  CHECK(refused.body.find("Quote Status ACCEPTED cannot be set when creating a quote.") != std::string::npos);
  CHECK(refused.body.find("A Contact must be specified") != std::string::npos);
  CHECK(ids(sandbox.get("/xero/api.xro/2.0/Quotes", h)).size() == 3);  // nothing created

  auto keyed = h;
  keyed["Idempotency-Key"] = "k-1";
  const std::string body = R"({"Quotes":[{"Contact":{"ContactID":"c-0"},"Date":"2026-11-23","ExpiryDate":"2026-12-23"}]})";
  auto first = sandbox.send("PUT", "/xero/api.xro/2.0/Quotes", body, keyed);
  REQUIRE(first.status == 200);
  CHECK(std::string(json(first.body)["Quotes"][0]["QuoteNumber"].GetString()) == "QU-0004");
  auto replay = sandbox.send("PUT", "/xero/api.xro/2.0/Quotes", body, keyed);
  CHECK(replay.body == first.body);
  CHECK(sandbox.send("PUT", "/xero/api.xro/2.0/Quotes", R"({"Quotes":[]})", keyed).status == 400);
  CHECK(ids(sandbox.get("/xero/api.xro/2.0/Quotes", h)).size() == 4);
}

TEST_CASE("Xero quote transitions: ACCEPTED cannot be declined, a sent quote can be accepted") {
  SandboxFixture sandbox(kSeed);
  auto h = api_headers(sandbox);
  auto declined = sandbox.send("POST", "/xero/api.xro/2.0/Quotes/q-3", R"({"Status":"DECLINED","Title":"Three"})", h);
  CHECK(declined.status == 400);
  CHECK(declined.body.find("from ACCEPTED to DECLINED") != std::string::npos);
  auto accepted = sandbox.send("POST", "/xero/api.xro/2.0/Quotes/q-2", R"({"Status":"ACCEPTED","Title":"Two"})", h);
  REQUIRE(accepted.status == 200);
  CHECK(std::string(json(accepted.body)["Quotes"][0]["Status"].GetString()) == "ACCEPTED");
  CHECK(sandbox.send("POST", "/xero/api.xro/2.0/Quotes/q-9", R"({"Title":"x"})", h).status == 404);
}
