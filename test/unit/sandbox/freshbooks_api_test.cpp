// Fake FreshBooks: OAuth (authorize contract, single-use rotating refresh tokens, 12 h access
// tokens), users/me, the {"response":{"result":…}} envelope, paging, US/Eastern day filters,
// vis_state, client and invoice writes, errors and the rate limit.

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::sandbox;
using namespace capsync::sandbox::test;

namespace {

constexpr std::string_view kAccount = "/freshbooks/accounting/account/ACM123";

rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

// 20:00Z on 1 Jul 2026 is 16:00 in New York (EDT), still 1 Jul there.
std::string seed(int clients, const std::string& extra = "") {
  std::string list;
  for (int i = 0; i < clients; ++i)
    list += (i ? "," : "") + std::string(R"({"id":)") + std::to_string(1000 + i) + R"(,"organization":"Company )" +
            std::to_string(100 + i) + R"(","updated":"2026-06-)" + (i % 2 ? "29" : "30") + R"( 23:30:00"})";
  return R"({"clock":{"now":"2026-07-01T20:00:00Z"},"freshbooks":{
    "clients":[{"client_id":"fb-client","client_secret":"fb-secret","redirect_uris":["https://app.example/cb"]}],
    "refreshTokens":["fb-refresh"],"business":{"name":"Acme Studio","account_id":"ACM123","currency_code":"CAD"},)" +
         extra + R"("customers":[)" + list + "]}}";
}

HttpResult refresh(const SandboxFixture& sandbox, const std::string& token) {
  return sandbox.send("POST", "/freshbooks/auth/oauth/token",
                      "grant_type=refresh_token&client_id=fb-client&client_secret=fb-secret&refresh_token=" + token,
                      {{"Content-Type", "application/x-www-form-urlencoded"}});
}

std::map<std::string, std::string> api(const std::string& token) {
  return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
}

std::string access_token(const SandboxFixture& sandbox) {
  auto result = refresh(sandbox, "fb-refresh");
  REQUIRE(result.status == 200);
  return json(result.body)["access_token"].GetString();
}

std::string path(std::string_view tail) { return std::string(kAccount) + std::string(tail); }

}  // namespace

TEST_CASE("FreshBooks refresh tokens are single use and rotate, access tokens last 12 hours") {
  SandboxFixture sandbox(seed(0));
  auto first = refresh(sandbox, "fb-refresh");
  REQUIRE(first.status == 200);
  auto body = json(first.body);
  CHECK(body["expires_in"].GetInt() == 43200);
  std::string next = body["refresh_token"].GetString();
  std::string token = body["access_token"].GetString();
  CHECK(refresh(sandbox, "fb-refresh").status == 400);  // used once: dead at once
  auto rotated = refresh(sandbox, next);
  REQUIRE(rotated.status == 200);
  CHECK(std::string(json(rotated.body)["refresh_token"].GetString()) != next);
  // JSON bodies, as FreshBooks' own examples post them, work too.
  auto as_json = sandbox.send("POST", "/freshbooks/auth/oauth/token",
                              R"({"grant_type":"refresh_token","client_id":"fb-client","client_secret":"fb-secret","refresh_token":")" +
                                  std::string(json(rotated.body)["refresh_token"].GetString()) + "\"}",
                              {{"Content-Type", "application/json"}});
  CHECK(as_json.status == 200);
  CHECK(sandbox.send("POST", "/freshbooks/auth/oauth/token", "grant_type=refresh_token&client_id=fb-client&client_secret=no")
            .status == 401);

  CHECK(sandbox.get(path("/users/clients"), api(token)).status == 200);
  REQUIRE(sandbox.send("POST", "/_admin/time", R"({"advance_s":43200})").status == 200);
  auto expired = sandbox.get(path("/users/clients"), api(token));
  CHECK(expired.status == 401);
  CHECK(json(expired.body)["errno"].GetInt() == 401);
}

TEST_CASE("FreshBooks authorize issues a single-use code for the registered redirect URI") {
  SandboxFixture sandbox(seed(0));
  CHECK(sandbox.get("/freshbooks-auth/oauth/authorize?response_type=code&client_id=nobody&redirect_uri=" +
                    url_encode("https://app.example/cb")).status == 400);
  CHECK(sandbox.get("/freshbooks-auth/oauth/authorize?response_type=code&client_id=fb-client").status == 400);
  auto approve = sandbox.get("/freshbooks-auth/oauth/authorize?response_type=code&client_id=fb-client&state=st&redirect_uri=" +
                             url_encode("https://app.example/cb"));
  REQUIRE(approve.status == 302);
  std::string location = approve.header("location");
  REQUIRE(location.starts_with("https://app.example/cb?code="));
  CHECK(location.ends_with("&state=st"));
  std::string code = location.substr(location.find("code=") + 5);
  code = code.substr(0, code.find('&'));
  auto exchange = [&](const std::string& redirect) {
    return sandbox.send("POST", "/freshbooks/auth/oauth/token",
                        "grant_type=authorization_code&client_id=fb-client&client_secret=fb-secret&code=" + code +
                            "&redirect_uri=" + url_encode(redirect),
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
  };
  CHECK(exchange("https://other.example/cb").status == 400);
  auto tokens = exchange("https://app.example/cb");
  REQUIRE(tokens.status == 200);
  CHECK(json(tokens.body).HasMember("refresh_token"));
  auto again = exchange("https://app.example/cb");
  CHECK(again.status == 400);
  CHECK(std::string(json(again.body)["error"].GetString()) == "invalid_grant");
}

TEST_CASE("FreshBooks users/me lists the business memberships with their account_id") {
  SandboxFixture sandbox(seed(0));
  auto token = access_token(sandbox);
  CHECK(sandbox.get("/freshbooks/auth/api/v1/users/me").status == 401);
  auto me = sandbox.get("/freshbooks/auth/api/v1/users/me", api(token));
  REQUIRE(me.status == 200);
  auto body = json(me.body);
  const auto& membership = body["response"]["business_memberships"][0];
  CHECK(std::string(membership["business"]["account_id"].GetString()) == "ACM123");
  CHECK(std::string(membership["business"]["name"].GetString()) == "Acme Studio");
  CHECK(sandbox.get("/freshbooks/accounting/account/OTHER/users/clients", api(token)).status == 403);
}

TEST_CASE("FreshBooks client lists page in the envelope, per_page capped at 100, past the end empty") {
  SandboxFixture sandbox(seed(130));
  auto token = access_token(sandbox);
  auto first = json(sandbox.get(path("/users/clients"), api(token)).body);
  const auto& result = first["response"]["result"];
  CHECK(result["clients"].Size() == 15);
  CHECK(result["pages"].GetInt() == 9);
  CHECK(result["total"].GetInt() == 130);
  auto big = json(sandbox.get(path("/users/clients?per_page=500&page=2"), api(token)).body);
  CHECK(big["response"]["result"]["per_page"].GetInt() == 100);
  CHECK(big["response"]["result"]["clients"].Size() == 30);
  CHECK(big["response"]["result"]["clients"][0]["id"].GetInt() == 1100);
  auto past = json(sandbox.get(path("/users/clients?per_page=100&page=3"), api(token)).body);
  CHECK(past["response"]["result"]["clients"].Size() == 0);
  CHECK(past["response"]["result"]["pages"].GetInt() == 2);
  CHECK(json(sandbox.get(path("/users/clients?page=0&per_page=1"), api(token)).body)["response"]["result"]["page"].GetInt() == 1);
  CHECK(sandbox.get(path("/users/clients?page=two"), api(token)).status == 400);
  // Text fields are always present, "" when empty; updated is a US/Eastern wall time.
  const auto& c = result["clients"][0];
  CHECK(std::string(c["fname"].GetString()).empty());
  CHECK(std::string(c["updated"].GetString()) == "2026-06-30 23:30:00");
  CHECK(c["vis_state"].GetInt() == 0);
}

TEST_CASE("FreshBooks updated_min search is a US/Eastern day, vis_state filters, deleted left out by default") {
  SandboxFixture sandbox(seed(4));
  auto token = access_token(sandbox);
  // 23:30 on 30 Jun in New York is already 1 Jul in UTC: the filter uses New York's day.
  auto since = json(sandbox.get(path("/users/clients?search%5Bupdated_min%5D=2026-06-30"), api(token)).body);
  CHECK(since["response"]["result"]["total"].GetInt() == 2);
  auto later = json(sandbox.get(path("/users/clients?search%5Bupdated_min%5D=2026-07-01"), api(token)).body);
  CHECK(later["response"]["result"]["total"].GetInt() == 0);
  CHECK(sandbox.get(path("/users/clients?search%5Bupdated_min%5D=2026-07-01T00:00:00Z"), api(token)).status == 400);

  REQUIRE(sandbox.send("PUT", path("/users/clients/1001"), R"({"client":{"vis_state":2}})", api(token)).status == 200);
  // A vis_state PUT drops the other fields, as FreshBooks documents.
  auto deleted = sandbox.send("PUT", path("/users/clients/1002"), R"({"client":{"vis_state":1,"organization":"Renamed"}})", api(token));
  REQUIRE(deleted.status == 200);
  auto body = json(deleted.body);
  CHECK(std::string(body["response"]["result"]["client"]["organization"].GetString()) == "Company 102");
  CHECK(std::string(body["response"]["result"]["client"]["updated"].GetString()) == "2026-07-01 16:00:00");
  CHECK(json(sandbox.get(path("/users/clients"), api(token)).body)["response"]["result"]["total"].GetInt() == 3);
  auto gone = json(sandbox.get(path("/users/clients?search%5Bvis_state%5D=1"), api(token)).body);
  REQUIRE(gone["response"]["result"]["total"].GetInt() == 1);
  CHECK(gone["response"]["result"]["clients"][0]["id"].GetInt() == 1002);
  auto archived = json(sandbox.get(path("/users/clients?search%5Bvis_state%5D=2"), api(token)).body);
  CHECK(archived["response"]["result"]["total"].GetInt() == 1);
  auto today = json(sandbox.get(path("/users/clients?search%5Bupdated_min%5D=2026-07-01"), api(token)).body);
  CHECK(today["response"]["result"]["total"].GetInt() == 1);  // the archived one; deleted ones need vis_state=1
}

TEST_CASE("FreshBooks client create, partial update, duplicate names, validation and not found") {
  SandboxFixture sandbox(seed(0));
  auto token = access_token(sandbox);
  auto created = sandbox.send("POST", path("/users/clients"),
                              R"({"client":{"organization":"Acme Ltd","fname":"Ann","lname":"Lee","email":"ann@acme.test",)"
                              R"("bus_phone":"555-0100","p_city":"Toronto","p_country":"Canada","website":"ignored"}})",
                              api(token));
  REQUIRE(created.status == 200);
  auto body = json(created.body);
  const auto& client = body["response"]["result"]["client"];
  std::int64_t id = client["id"].GetInt64();
  CHECK(std::string(client["p_city"].GetString()) == "Toronto");
  CHECK_FALSE(client.HasMember("website"));
  std::string one = path("/users/clients/" + std::to_string(id));
  REQUIRE(sandbox.send("PUT", one, R"({"client":{"email":"ann@new.test","bus_phone":""}})", api(token)).status == 200);
  auto after = json(sandbox.get(one, api(token)).body);
  const auto& now = after["response"]["result"]["client"];
  CHECK(std::string(now["email"].GetString()) == "ann@new.test");
  CHECK(std::string(now["bus_phone"].GetString()).empty());
  CHECK(std::string(now["p_city"].GetString()) == "Toronto");
  CHECK(sandbox.send("POST", path("/users/clients"), R"({"client":{"organization":"Acme Ltd"}})", api(token)).status == 200);

  auto person = json(sandbox.send("POST", path("/users/clients"), R"({"client":{"fname":"Bo","lname":"Ek"}})", api(token)).body);
  CHECK(std::string(person["response"]["result"]["client"]["organization"].GetString()) == "Bo Ek");

  auto refused = sandbox.send("POST", path("/users/clients"), R"({"client":{"note":"nobody"}})", api(token));
  CHECK(refused.status == 422);
  CHECK(json(refused.body)["response"]["errors"][0].HasMember("message"));
  auto missing = sandbox.get(path("/users/clients/999"), api(token));
  CHECK(missing.status == 404);
  auto error = json(missing.body);
  CHECK(error["response"]["errors"][0]["errno"].GetInt() == 1012);
  CHECK(std::string(error["response"]["errors"][0]["message"].GetString()) == "Client not found.");
}

TEST_CASE("FreshBooks invoices: exact money, v3_status, payments, delete by vis_state") {
  SandboxFixture sandbox(seed(1, R"("invoices":[
      {"id":5,"customerid":1000,"amount":41.94,"paid":"20.00","create_date":"2026-06-16","due_date":"2026-07-16","updated":"2026-06-16 10:31:58"},
      {"id":6,"customerid":1000,"amount":"10.10","v3_status":"draft"}],)"));
  auto token = access_token(sandbox);
  auto list = json(sandbox.get(path("/invoices/invoices"), api(token)).body);
  REQUIRE(list["response"]["result"]["invoices"].Size() == 2);
  const auto& inv = list["response"]["result"]["invoices"][0];
  CHECK(std::string(inv["amount"]["amount"].GetString()) == "41.94");
  CHECK(std::string(inv["amount"]["code"].GetString()) == "CAD");
  CHECK(std::string(inv["outstanding"]["amount"].GetString()) == "21.94");
  CHECK(std::string(inv["v3_status"].GetString()) == "partial");
  CHECK(inv["customerid"].GetInt() == 1000);
  CHECK(std::string(list["response"]["result"]["invoices"][1]["v3_status"].GetString()) == "draft");

  auto paid = sandbox.send("POST", path("/payments/payments"),
                           R"({"payment":{"invoiceid":5,"amount":{"amount":"21.94"},"type":"Check"}})", api(token));
  REQUIRE(paid.status == 200);
  auto after = json(sandbox.get(path("/invoices/invoices/5"), api(token)).body);
  CHECK(std::string(after["response"]["result"]["invoice"]["v3_status"].GetString()) == "paid");
  CHECK(std::string(after["response"]["result"]["invoice"]["outstanding"]["amount"].GetString()) == "0.00");

  auto created = sandbox.send("POST", path("/invoices/invoices"),
                              R"({"invoice":{"customerid":1000,"create_date":"2026-07-01","due_offset_days":30,)"
                              R"("lines":[{"qty":2,"unit_cost":{"amount":"12.25"}}]}})", api(token));
  REQUIRE(created.status == 200);
  auto made = json(created.body);
  CHECK(std::string(made["response"]["result"]["invoice"]["amount"]["amount"].GetString()) == "24.50");
  CHECK(std::string(made["response"]["result"]["invoice"]["due_date"].GetString()) == "2026-07-31");
  CHECK(std::string(made["response"]["result"]["invoice"]["v3_status"].GetString()) == "draft");

  REQUIRE(sandbox.send("DELETE", path("/invoices/invoices/6"), "", api(token)).status == 200);
  CHECK(json(sandbox.get(path("/invoices/invoices"), api(token)).body)["response"]["result"]["total"].GetInt() == 2);
  auto deleted = json(sandbox.get(path("/invoices/invoices?search%5Bvis_state%5D=1"), api(token)).body);
  REQUIRE(deleted["response"]["result"]["total"].GetInt() == 1);
  CHECK(deleted["response"]["result"]["invoices"][0]["id"].GetInt() == 6);
}

TEST_CASE("FreshBooks rate limit: rateLimits.perMinute calls, then 429 with Retry-After") {
  SandboxFixture sandbox(seed(1, R"("rateLimits":{"perMinute":3},)"));
  auto token = access_token(sandbox);
  for (int i = 0; i < 3; ++i) REQUIRE(sandbox.get(path("/users/clients"), api(token)).status == 200);
  auto limited = sandbox.get(path("/users/clients"), api(token));
  CHECK(limited.status == 429);
  CHECK_FALSE(limited.header("retry-after").empty());
  CHECK(json(limited.body)["response"]["errors"][0]["errno"].GetInt() == 429);
  REQUIRE(sandbox.send("POST", "/_admin/time", R"({"advance_s":60})").status == 200);
  CHECK(sandbox.get(path("/users/clients"), api(token)).status == 200);
}
