// Fake FreeAgent: OAuth code and refresh grants, bearer and User-Agent checks, contacts,
// invoices and estimates shapes, paging with Link headers, views, updated_since, writes,
// transitions, errors, limits.

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "core/encoding/base64.hpp"
#include "test/sandbox/xero_identity.hpp"
#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::sandbox;
using namespace capsync::sandbox::test;

namespace {

const std::string kBasic = "Basic " + capsync::encoding::base64_encode("fa-client:fa-secret");

rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

std::string seed(int contacts, const std::string& extra = "") {
  std::string list;
  for (int i = 0; i < contacts; ++i)
    list += (i ? "," : "") + std::string(R"({"organisation_name":"Company )") + std::to_string(100 + i) +
            R"(","updated_at":"2026-01-01T00:00:)" + std::to_string(10 + i % 50) + R"(Z"})";
  return R"({"clock":{"now":"2026-11-23T10:00:00Z"},"freeagent":{
    "clients":[{"client_id":"fa-client","client_secret":"fa-secret","redirect_uris":["http://localhost:9999/cb"]}],
    "refreshTokens":["fa-refresh"],)" + extra + R"("contacts":[)" + list + "]}}";
}

HttpResult refresh(const SandboxFixture& sandbox, const std::string& token) {
  return sandbox.send("POST", "/freeagent/v2/token_endpoint",
                      "grant_type=refresh_token&refresh_token=" + url_encode(token),
                      {{"Authorization", kBasic}, {"Content-Type", "application/x-www-form-urlencoded"}});
}

std::map<std::string, std::string> api(const std::string& token) {
  return {{"Authorization", "Bearer " + token}, {"Accept", "application/json"},
          {"Content-Type", "application/json"}, {"User-Agent", "capsync-test"}};
}

std::string access_token(const SandboxFixture& sandbox) {
  auto result = refresh(sandbox, "fa-refresh");
  REQUIRE(result.status == 200);
  return json(result.body)["access_token"].GetString();
}

}  // namespace

TEST_CASE("FreeAgent refresh returns a new refresh token; access tokens last one hour") {
  SandboxFixture sandbox(seed(0));
  auto first = refresh(sandbox, "fa-refresh");
  REQUIRE(first.status == 200);
  auto body = json(first.body);
  CHECK(std::string(body["token_type"].GetString()) == "bearer");
  CHECK(body["expires_in"].GetInt() == 3600);
  CHECK(body["refresh_token_expires_in"].GetInt64() == 631151957);
  std::string next = body["refresh_token"].GetString();
  CHECK(next != "fa-refresh");
  std::string token = body["access_token"].GetString();
  CHECK(sandbox.get("/freeagent/v2/contacts", api(token)).status == 200);

  auto again = refresh(sandbox, "fa-refresh");  // successor unused: still accepted
  REQUIRE(again.status == 200);
  CHECK(refresh(sandbox, next).status == 400);  // superseded by the retry
  REQUIRE(refresh(sandbox, json(again.body)["refresh_token"].GetString()).status == 200);
  auto dead = refresh(sandbox, "fa-refresh");
  CHECK(dead.status == 400);
  CHECK(std::string(json(dead.body)["error"].GetString()) == "invalid_grant");

  auto wrong = sandbox.send("POST", "/freeagent/v2/token_endpoint", "grant_type=refresh_token&refresh_token=x",
                            {{"Authorization", "Basic " + capsync::encoding::base64_encode("fa-client:nope")}});
  CHECK(wrong.status == 401);
  CHECK(std::string(json(wrong.body)["error"].GetString()) == "invalid_client");

  REQUIRE(sandbox.send("POST", "/_admin/time", R"({"advance_s":3600})").status == 200);
  auto expired = sandbox.get("/freeagent/v2/contacts", api(token));
  CHECK(expired.status == 401);
  CHECK(expired.body.find("\"errors\"") != std::string::npos);
}

TEST_CASE("FreeAgent approve_app issues a single-use code for a registered redirect URI") {
  SandboxFixture sandbox(seed(0));
  CHECK(sandbox.get("/freeagent/v2/approve_app?client_id=fa-client&response_type=code&redirect_uri=" +
                    url_encode("http://evil/cb")).status == 400);
  auto approve = sandbox.get("/freeagent/v2/approve_app?client_id=fa-client&response_type=code&state=st&redirect_uri=" +
                             url_encode("http://localhost:9999/cb"));
  REQUIRE(approve.status == 302);
  std::string location = approve.header("location");
  REQUIRE(location.starts_with("http://localhost:9999/cb?code="));
  CHECK(location.ends_with("&state=st"));
  std::string code = location.substr(location.find("code=") + 5);
  code = code.substr(0, code.find('&'));
  auto exchange = [&] {
    return sandbox.send("POST", "/freeagent/v2/token_endpoint",
                        "grant_type=authorization_code&code=" + code + "&redirect_uri=" + url_encode("http://localhost:9999/cb"),
                        {{"Authorization", kBasic}, {"Content-Type", "application/x-www-form-urlencoded"}});
  };
  auto tokens = exchange();
  REQUIRE(tokens.status == 200);
  CHECK(json(tokens.body).HasMember("refresh_token"));
  CHECK(exchange().status == 400);
}

TEST_CASE("FreeAgent API calls need a bearer token and a User-Agent") {
  SandboxFixture sandbox(seed(1));
  auto token = access_token(sandbox);
  CHECK(sandbox.get("/freeagent/v2/contacts").status == 401);
  CHECK(sandbox.get("/freeagent/v2/contacts", {{"Authorization", "Bearer " + token}}).status == 400);
  auto company = sandbox.get("/freeagent/v2/company", api(token));
  REQUIRE(company.status == 200);
  CHECK(std::string(json(company.body)["company"]["subdomain"].GetString()) == "sandbox");
  auto missing = sandbox.get("/freeagent/v2/contacts/999", api(token));
  CHECK(missing.status == 404);
  CHECK(std::string(json(missing.body)["errors"]["error"]["message"].GetString()) == "Resource not found");
}

TEST_CASE("FreeAgent contacts page with per_page (25 default, 100 max), Link headers and X-Total-Count") {
  SandboxFixture sandbox(seed(130));
  auto token = access_token(sandbox);
  auto first = sandbox.get("/freeagent/v2/contacts?view=all", api(token));
  REQUIRE(first.status == 200);
  CHECK(json(first.body)["contacts"].Size() == 25);
  CHECK(first.header("x-total-count") == "130");
  std::string link = first.header("link");
  CHECK(link.find(sandbox.url + "/freeagent/v2/contacts?view=all&page=2&per_page=25>; rel=\"next\"") != std::string::npos);
  CHECK(link.find("page=6&per_page=25>; rel=\"last\"") != std::string::npos);
  CHECK(link.find("rel=\"prev\"") == std::string::npos);

  auto big = sandbox.get("/freeagent/v2/contacts?per_page=500&page=2&sort=name", api(token));
  auto body = json(big.body);
  REQUIRE(body["contacts"].Size() == 30);
  CHECK(std::string(body["contacts"][0]["organisation_name"].GetString()) == "Company 200");
  CHECK(big.header("link").find("rel=\"next\"") == std::string::npos);
  CHECK(big.header("link").find("rel=\"prev\"") != std::string::npos);
  // Ids are URLs, empty fields are omitted, money is a decimal string.
  const auto& c = body["contacts"][0];
  CHECK(std::string(c["url"].GetString()).starts_with(sandbox.url + "/freeagent/v2/contacts/"));
  CHECK_FALSE(c.HasMember("first_name"));
  CHECK(std::string(c["account_balance"].GetString()) == "0.0");
  CHECK(std::string(c["status"].GetString()) == "Active");
}

TEST_CASE("FreeAgent contact views and updated_since") {
  SandboxFixture sandbox(seed(3));
  auto token = access_token(sandbox);
  auto list = json(sandbox.get("/freeagent/v2/contacts?view=all&sort=name", api(token)).body);
  std::string hidden_url = list["contacts"][1]["url"].GetString();
  std::string path = hidden_url.substr(sandbox.url.size());
  auto hide = sandbox.send("PUT", path, R"({"contact":{"status":"Hidden"}})", api(token));
  REQUIRE(hide.status == 200);
  CHECK(hide.body.empty());
  CHECK(json(sandbox.get("/freeagent/v2/contacts", api(token)).body)["contacts"].Size() == 2);
  CHECK(json(sandbox.get("/freeagent/v2/contacts?view=all", api(token)).body)["contacts"].Size() == 3);
  auto hidden = json(sandbox.get("/freeagent/v2/contacts?view=hidden", api(token)).body);
  REQUIRE(hidden["contacts"].Size() == 1);
  CHECK(std::string(hidden["contacts"][0]["url"].GetString()) == hidden_url);
  CHECK(sandbox.get("/freeagent/v2/contacts?view=bogus", api(token)).status == 400);

  auto changed = json(sandbox.get("/freeagent/v2/contacts?view=all&sort=updated_at&updated_since=" +
                                      url_encode("2026-06-01T00:00:00.000Z"), api(token)).body);
  REQUIRE(changed["contacts"].Size() == 1);
  CHECK(std::string(changed["contacts"][0]["url"].GetString()) == hidden_url);
  std::string stamp = changed["contacts"][0]["updated_at"].GetString();
  CHECK(stamp.size() == 24);  // "2026-11-23T10:00:00.123Z": milliseconds, as FreeAgent writes them
  CHECK(stamp.ends_with("Z"));
  CHECK(sandbox.get("/freeagent/v2/contacts?updated_since=yesterday", api(token)).status == 400);
}

TEST_CASE("FreeAgent contact create and partial update; the name rule is enforced with 422") {
  SandboxFixture sandbox(seed(0));
  auto token = access_token(sandbox);
  auto refused = sandbox.send("POST", "/freeagent/v2/contacts", R"({"contact":{"first_name":"Ann"}})", api(token));
  CHECK(refused.status == 422);
  CHECK(std::string(json(refused.body)["errors"][0]["message"].GetString()) == "Last name can't be blank");
  auto created = sandbox.send("POST", "/freeagent/v2/contacts",
                              R"({"contact":{"organisation_name":"Acme Ltd","first_name":"Ann","last_name":"Lee",)"
                              R"("email":"ann@acme.test","phone_number":"0207","address1":"1 Road","town":"London",)"
                              R"("postcode":"E1 1AA","country":"United Kingdom","account_balance":"99.0"}})",
                              api(token));
  REQUIRE(created.status == 201);
  auto body = json(created.body);
  std::string url = body["contact"]["url"].GetString();
  CHECK(created.header("location") == url);
  CHECK(std::string(body["contact"]["account_balance"].GetString()) == "0.0");  // read-only, ignored
  std::string path = url.substr(sandbox.url.size());
  REQUIRE(sandbox.send("PUT", path, R"({"contact":{"email":"ann@new.test","phone_number":""}})", api(token)).status == 200);
  auto after_body = json(sandbox.get(path, api(token)).body);
  auto after = after_body["contact"].GetObject();
  CHECK(std::string(after["email"].GetString()) == "ann@new.test");
  CHECK_FALSE(after.HasMember("phone_number"));
  CHECK(std::string(after["town"].GetString()) == "London");
  // Names may repeat in FreeAgent.
  CHECK(sandbox.send("POST", "/freeagent/v2/contacts", R"({"contact":{"organisation_name":"Acme Ltd"}})", api(token))
            .status == 201);
}

TEST_CASE("FreeAgent invoices: money strings, derived status, contact and view filters") {
  SandboxFixture sandbox(seed(2, R"("invoices":[
    {"contact":"225200","reference":"INV-1","total_value":"120.50","paid_value":"20.5","dated_on":"2026-10-01","due_on":"2026-10-31"},
    {"contact":"225200","reference":"INV-2","total_value":"80","paid_value":"80","dated_on":"2026-11-01"},
    {"contact":"225201","reference":"INV-3","total_value":"10.00","status":"Draft","due_on_offset_days":30}],)"));
  auto token = access_token(sandbox);
  auto all = json(sandbox.get("/freeagent/v2/invoices", api(token)).body);
  REQUIRE(all["invoices"].Size() == 3);
  const auto& first = all["invoices"][0];
  CHECK(std::string(first["total_value"].GetString()) == "120.5");
  CHECK(std::string(first["due_value"].GetString()) == "100.0");
  CHECK(std::string(first["status"].GetString()) == "Overdue");
  CHECK(std::string(first["contact"].GetString()) == sandbox.url + "/freeagent/v2/contacts/225200");
  CHECK(std::string(first["dated_on"].GetString()) == "2026-10-01");
  CHECK(std::string(all["invoices"][1]["status"].GetString()) == "Paid");
  CHECK(std::string(all["invoices"][2]["status"].GetString()) == "Draft");
  CHECK(std::string(all["invoices"][2]["due_value"].GetString()) == "0.0");

  auto mine = json(sandbox.get("/freeagent/v2/invoices?contact=" + url_encode(sandbox.url + "/freeagent/v2/contacts/225200"),
                               api(token)).body);
  CHECK(mine["invoices"].Size() == 2);
  CHECK(json(sandbox.get("/freeagent/v2/invoices?view=overdue", api(token)).body)["invoices"].Size() == 1);
  CHECK(json(sandbox.get("/freeagent/v2/invoices?view=draft", api(token)).body)["invoices"].Size() == 1);
  auto balance = json(sandbox.get("/freeagent/v2/contacts/225200", api(token)).body);
  CHECK(std::string(balance["contact"]["account_balance"].GetString()) == "-100.0");
}

TEST_CASE("FreeAgent invoices can be created as drafts, sent, cancelled and re-opened") {
  SandboxFixture sandbox(seed(1));
  auto token = access_token(sandbox);
  std::string contact = sandbox.url + "/freeagent/v2/contacts/225200";
  auto refused = sandbox.send("POST", "/freeagent/v2/invoices", R"({"invoice":{"contact":"x"}})", api(token));
  REQUIRE(refused.status == 422);
  CHECK(json(refused.body)["errors"].Size() == 2);
  auto created = sandbox.send("POST", "/freeagent/v2/invoices",
                              R"({"invoice":{"contact":")" + contact + R"(","dated_on":"2026-11-01","payment_terms_in_days":14,)"
                              R"("invoice_items":[{"item_type":"Hours","quantity":"2.5","price":"40.10","description":"Work"}]}})",
                              api(token));
  REQUIRE(created.status == 201);
  auto invoice = json(created.body);
  std::string url = invoice["invoice"]["url"].GetString();
  CHECK(created.header("location") == url);
  CHECK(std::string(invoice["invoice"]["status"].GetString()) == "Draft");
  CHECK(std::string(invoice["invoice"]["total_value"].GetString()) == "100.25");
  CHECK(std::string(invoice["invoice"]["due_on"].GetString()) == "2026-11-15");
  std::string path = url.substr(sandbox.url.size());
  REQUIRE(sandbox.send("PUT", path + "/transitions/mark_as_sent", "", api(token)).status == 200);
  auto sent = json(sandbox.get(path, api(token)).body);
  CHECK(std::string(sent["invoice"]["status"].GetString()) == "Overdue");  // due 15 Nov, clock 23 Nov
  CHECK(std::string(sent["invoice"]["due_value"].GetString()) == "100.25");
  REQUIRE(sandbox.send("PUT", path + "/transitions/mark_as_cancelled", "", api(token)).status == 200);
  CHECK(std::string(json(sandbox.get(path, api(token)).body)["invoice"]["status"].GetString()) == "Cancelled");
  CHECK(sandbox.send("PUT", path + "/transitions/fly", "", api(token)).status == 404);
  REQUIRE(sandbox.send("DELETE", path, "", api(token)).status == 200);
  CHECK(sandbox.get(path, api(token)).status == 404);
}

TEST_CASE("FreeAgent limits: 429 with Retry-After once the minute's requests are used") {
  SandboxFixture sandbox(seed(1, R"("rateLimits":{"minute":3,"hour":100},)"));
  auto token = access_token(sandbox);
  for (int i = 0; i < 3; ++i) REQUIRE(sandbox.get("/freeagent/v2/contacts", api(token)).status == 200);
  auto limited = sandbox.get("/freeagent/v2/contacts", api(token));
  REQUIRE(limited.status == 429);
  CHECK(limited.header("retry-after") == "60");  // the seed pins the clock to the start of a minute
  CHECK(limited.body == "You must not exceed 3 requests per 60 seconds");
  CHECK(limited.header("x-ratelimit-remaining").empty());

  auto test_headers = api(token);
  test_headers["X-RateLimit-Test"] = "true";
  SandboxFixture strict(seed(1));
  auto strict_token = access_token(strict);
  test_headers["Authorization"] = "Bearer " + strict_token;
  for (int i = 0; i < 5; ++i) REQUIRE(strict.get("/freeagent/v2/contacts", test_headers).status == 200);
  CHECK(strict.get("/freeagent/v2/contacts", test_headers).status == 429);
}

TEST_CASE("FreeAgent state appears in /_admin/state") {
  SandboxFixture sandbox(seed(2));
  auto state = json(sandbox.get("/_admin/state").body);
  REQUIRE(state.HasMember("freeagent"));
  CHECK(state["freeagent"]["contacts"].Size() == 2);
  CHECK(std::string(state["freeagent"]["company"]["name"].GetString()) == "Sandbox Company Ltd");
}

TEST_CASE("FreeAgent estimates: Draft on create, statuses move only by transitions, conversion makes an invoice") {
  SandboxFixture sandbox(seed(1));
  auto headers = api(access_token(sandbox));
  auto contacts = json(sandbox.get("/freeagent/v2/contacts", headers).body);
  std::string contact = contacts["contacts"][0]["url"].GetString();

  auto created = sandbox.send("POST", "/freeagent/v2/estimates",
                              R"({"estimate":{"contact":")" + contact + R"(","dated_on":"2026-11-20","estimate_type":"Quote",
                                 "estimate_items":[{"item_type":"Services","description":"Design","quantity":"2","price":"150.25","sales_tax_rate":"20.0"}]}})",
                              headers);
  REQUIRE(created.status == 201);
  auto created_body = json(created.body);  // the views below point into it
  auto estimate = created_body["estimate"].GetObject();
  std::string url = estimate["url"].GetString();
  CHECK(created.header("location") == url);
  CHECK(std::string(estimate["status"].GetString()) == "Draft");
  CHECK(std::string(estimate["reference"].GetString()) == "001");  // FreeAgent's own sequence
  CHECK(std::string(estimate["net_value"].GetString()) == "300.5");
  CHECK(std::string(estimate["sales_tax_value"].GetString()) == "60.1");
  std::string path = url.substr(url.find("/freeagent/v2/"));

  auto no_contact = sandbox.send("POST", "/freeagent/v2/estimates", R"({"estimate":{"dated_on":"2026-11-20"}})", headers);
  CHECK(no_contact.status == 422);
  CHECK(no_contact.body.find("Contact can't be blank") != std::string::npos);

  // "To update the status of an estimate you must use the status transitions".
  CHECK(sandbox.send("PUT", path, R"({"estimate":{"status":"Sent"}})", headers).status == 422);
  auto notes = sandbox.send("PUT", path, R"({"estimate":{"notes":"Valid for 30 days"}})", headers);
  CHECK(notes.status == 200);
  CHECK(notes.body.empty());
  CHECK(sandbox.send("PUT", path + "/transitions/mark_as_sent", "", headers).status == 200);
  auto sent = json(sandbox.get(path, headers).body);
  CHECK(std::string(sent["estimate"]["status"].GetString()) == "Sent");
  CHECK(std::string(sent["estimate"]["notes"].GetString()) == "Valid for 30 days");
  CHECK(sandbox.get("/freeagent/v2/estimates?view=sent", headers).body.find(url) != std::string::npos);
  CHECK(sandbox.get("/freeagent/v2/estimates?view=draft", headers).body.find(url) == std::string::npos);

  auto converted = sandbox.send("PUT", path + "/transitions/convert_to_invoice", "", headers);
  REQUIRE(converted.status == 200);
  auto converted_body = json(converted.body);
  auto invoiced = converted_body["estimate"].GetObject();
  CHECK(std::string(invoiced["status"].GetString()) == "Invoiced");
  std::string invoice = invoiced["invoice"].GetString();
  auto invoice_body = json(sandbox.get(invoice.substr(invoice.find("/freeagent/v2/")), headers).body);
  CHECK(std::string(invoice_body["invoice"]["total_value"].GetString()) == "360.6");
  CHECK(sandbox.send("PUT", path + "/transitions/convert_to_invoice", "", headers).status == 422);
}
