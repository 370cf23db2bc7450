// Fake Sage Business Cloud Accounting v3.1: OAuth (5-minute tokens, single-use refresh
// tokens), X-Business, contacts paging/filters/writes/idempotency, invoices and mark_as_sent,
// sales quotes (statuses, expiry, idempotency, no edit once invoiced), error arrays, the
// 200-per-60-s limit.

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::sandbox;
using namespace capsync::sandbox::test;

namespace {

const std::string kBusiness = "5a1e0b0c0d0e4f10a1b2c3d4e5f60001";
const std::string kOther = "7b2f0c1d2e3f4051b2c3d4e5f6a70002";
const std::string kApi = "/sage/v3.1";

rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

HttpResult token_call(const SandboxFixture& sandbox, const std::string& form) {
  return sandbox.send("POST", "/sage-oauth/token",
                      "client_id=sandbox-client-id&client_secret=sandbox-client-secret&" + form,
                      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}});
}

HttpResult refresh(const SandboxFixture& sandbox, const std::string& token) {
  return token_call(sandbox, "grant_type=refresh_token&refresh_token=" + url_encode(token));
}

std::string access_token(const SandboxFixture& sandbox) {
  auto result = refresh(sandbox, "sage-sandbox-refresh-token");
  REQUIRE(result.status == 200);
  return json(result.body)["access_token"].GetString();
}

std::map<std::string, std::string> api_headers(const std::string& token, const std::string& business = kBusiness) {
  return {{"Authorization", "Bearer " + token}, {"X-Business", business}, {"Content-Type", "application/json"},
          {"Accept", "application/json"}};
}

void advance(const SandboxFixture& sandbox, int seconds) {
  REQUIRE(sandbox.send("POST", "/_admin/time", "{\"advance_s\":" + std::to_string(seconds) + "}").status == 200);
}

std::string seed(const std::string& body) {
  return R"({"sage":{"clients":[{"client_id":"sandbox-client-id","client_secret":"sandbox-client-secret"}],
    "refreshTokens":["sage-sandbox-refresh-token"],
    "businesses":[{"id":")" + kBusiness + R"(","name":"Lead"},{"id":")" + kOther + R"(","name":"Other"}],)" + body + "}}";
}

std::string contacts_seed(int count) {
  std::string contacts;
  for (int i = 0; i < count; ++i)
    contacts += (i ? "," : "") + std::string(R"({"name":"Contact )") + std::to_string(i) +
                R"(","contact_type_ids":[")" + (i % 3 == 0 ? "VENDOR" : "CUSTOMER") + R"("],"updated_at":"2026-11-2)" +
                std::to_string(i % 3) + R"(T10:00:00Z"})";
  return seed(R"("contacts":[)" + contacts + "]");
}

std::string first_error_code(const std::string& body) {
  auto doc = json(body);
  REQUIRE(doc.IsArray());
  REQUIRE(doc.Size() >= 1);
  CHECK(std::string(doc[0]["$severity"].GetString()) == "error");
  return doc[0]["$dataCode"].GetString();
}

}  // namespace

TEST_CASE("Sage refresh tokens are single use and access tokens last 5 minutes") {
  SandboxFixture sandbox(seed(R"("contacts":[])"));
  auto first = refresh(sandbox, "sage-sandbox-refresh-token");
  REQUIRE(first.status == 200);
  auto body = json(first.body);
  CHECK(body["expires_in"].GetInt() == 300);
  CHECK(body["refresh_token_expires_in"].GetInt() == 2678400);
  CHECK(std::string(body["token_type"].GetString()) == "bearer");
  std::string access = body["access_token"].GetString();
  std::string next = body["refresh_token"].GetString();

  auto reused = refresh(sandbox, "sage-sandbox-refresh-token");
  CHECK(reused.status == 400);
  CHECK(reused.body == R"({"error":"invalid_grant"})");
  CHECK(refresh(sandbox, next).status == 200);

  CHECK(sandbox.get(kApi + "/contacts", api_headers(access)).status == 200);
  advance(sandbox, 301);
  auto expired = sandbox.get(kApi + "/contacts", api_headers(access));
  CHECK(expired.status == 401);
  CHECK(first_error_code(expired.body) == "AuthorizationFailure");
  auto wrong_secret = sandbox.send("POST", "/sage-oauth/token",
                                   "client_id=sandbox-client-id&client_secret=wrong&grant_type=refresh_token&refresh_token=x",
                                   {{"Content-Type", "application/x-www-form-urlencoded"}});
  CHECK(wrong_secret.status == 401);
  CHECK(wrong_secret.body == R"({"error":"invalid_client"})");
}

TEST_CASE("Sage authorization code flow: single-use code valid 60 seconds") {
  SandboxFixture sandbox(seed(R"("contacts":[])"));
  auto page = sandbox.get("/sage-login/oauth2/auth/central?filter=apiv3.1&client_id=sandbox-client-id&response_type=code"
                          "&redirect_uri=" + url_encode("http://127.0.0.1:9/cb") + "&scope=full_access&state=xyz");
  REQUIRE(page.status == 302);
  std::string location = page.header("location");
  auto at = location.find("code=");
  REQUIRE(at != std::string::npos);
  std::string code = location.substr(at + 5, location.find('&', at) - at - 5);
  CHECK(location.find("state=xyz") != std::string::npos);
  std::string form = "grant_type=authorization_code&code=" + code + "&redirect_uri=" + url_encode("http://127.0.0.1:9/cb");
  auto issued = token_call(sandbox, form);
  REQUIRE(issued.status == 200);
  CHECK(json(issued.body)["scope"].GetString() == std::string("full_access"));
  CHECK(token_call(sandbox, form).status == 400);  // single use
}

TEST_CASE("Sage contacts page with $next, filter by type and updated_or_created_since, minimal items by default") {
  SandboxFixture sandbox(contacts_seed(45));
  auto headers = api_headers(access_token(sandbox));
  auto p1 = sandbox.get(kApi + "/contacts?items_per_page=20", headers);
  REQUIRE(p1.status == 200);
  auto doc = json(p1.body);
  CHECK(doc["$total"].GetInt() == 45);
  CHECK(doc["$items"].Size() == 20);
  CHECK(std::string(doc["$next"].GetString()) == "/contacts?page=2&items_per_page=20");
  CHECK(doc["$back"].IsNull());
  CHECK_FALSE(doc["$items"][0].HasMember("name"));
  CHECK(doc["$items"][0].HasMember("displayed_as"));

  auto last = json(sandbox.get(kApi + "/contacts?items_per_page=20&page=9", headers).body);
  CHECK(last["$page"].GetInt() == 3);  // past the end: the last page again
  CHECK(last["$items"].Size() == 5);
  CHECK(last["$next"].IsNull());

  auto customers = json(sandbox.get(kApi + "/contacts?contact_type_id=CUSTOMER&attributes=all&items_per_page=200", headers).body);
  CHECK(customers["$total"].GetInt() == 30);
  CHECK(std::string(customers["$items"][0]["contact_types"][0]["id"].GetString()) == "CUSTOMER");

  auto since = json(sandbox.get(kApi + "/contacts?updated_or_created_since=" + url_encode("2026-11-22T10:00:00+00:00") +
                                    "&items_per_page=200", headers).body);
  CHECK(since["$total"].GetInt() == 15);  // inclusive of the timestamp
  CHECK(sandbox.get(kApi + "/contacts?items_per_page=201", headers).status == 400);
}

TEST_CASE("Sage contact create, partial update, idempotency_id replay, reference uniqueness and delete") {
  SandboxFixture sandbox(seed(R"("contacts":[])"));
  auto headers = api_headers(access_token(sandbox));
  std::string body = R"({"contact":{"name":"Acme Ltd","contact_type_ids":["CUSTOMER"],"idempotency_id":"0123456789abcdef0123456789abcdef",
    "main_address":{"address_line_1":"1 High Street","city":"London","postal_code":"SE1 6HA","country_id":"GB"},
    "main_contact_person":{"name":"Jane Smith","email":"jane@acme.example","telephone":"020 7946 0000"}}})";
  auto created = sandbox.send("POST", kApi + "/contacts", body, headers);
  REQUIRE(created.status == 201);
  auto contact = json(created.body);
  std::string id = contact["id"].GetString();
  CHECK(std::string(contact["email"].GetString()) == "jane@acme.example");
  CHECK(std::string(contact["main_address"]["country"]["id"].GetString()) == "GB");
  CHECK(std::string(contact["reference"].GetString()) == "ACMELTD001");

  auto replay = sandbox.send("POST", kApi + "/contacts", body, headers);
  CHECK(replay.status == 201);
  CHECK(json(replay.body)["id"].GetString() == id);
  CHECK(json(sandbox.get(kApi + "/contacts", headers).body)["$total"].GetInt() == 1);

  auto missing = sandbox.send("POST", kApi + "/contacts", R"({"contact":{"name":"No type"}})", headers);
  CHECK(missing.status == 422);
  CHECK(first_error_code(missing.body) == "RecordInvalid");
  auto clash = sandbox.send("POST", kApi + "/contacts",
                            R"({"contact":{"name":"Other","contact_type_ids":["VENDOR"],"reference":"ACMELTD001"}})", headers);
  CHECK(clash.status == 422);
  CHECK(json(clash.body)[0]["$source"].GetString() == std::string("reference"));
  // Names may repeat in Sage.
  CHECK(sandbox.send("POST", kApi + "/contacts", R"({"contact":{"name":"Acme Ltd","contact_type_ids":["CUSTOMER"]}})",
                     headers).status == 201);

  auto updated = sandbox.send("PUT", kApi + "/contacts/" + id, R"({"contact":{"main_contact_person":{"mobile":"07700 900000"}}})",
                              headers);
  REQUIRE(updated.status == 200);
  auto after = json(updated.body);
  CHECK(std::string(after["main_contact_person"]["mobile"].GetString()) == "07700 900000");
  CHECK(std::string(after["main_contact_person"]["email"].GetString()) == "jane@acme.example");  // partial
  CHECK(std::string(after["main_address"]["city"].GetString()) == "London");

  advance(sandbox, 5);
  CHECK(sandbox.send("DELETE", kApi + "/contacts/" + id, "", headers).status == 204);
  CHECK(sandbox.get(kApi + "/contacts/" + id, headers).status == 404);
  auto deleted = json(sandbox.get(kApi + "/contacts?deleted_since=" + url_encode("2000-01-01T00:00:00Z"), headers).body);
  REQUIRE(deleted["$total"].GetInt() == 1);
  CHECK(deleted["$items"][0]["id"].GetString() == id);
}

TEST_CASE("Sage invoices: exact money, purchase invoices apart, GET one marks sent unless mark_as_sent=false") {
  SandboxFixture sandbox(seed(R"("contacts":[{"id":"c1","name":"Acme Ltd","contact_type_ids":["CUSTOMER"]}],
    "sales_invoices":[{"id":"i1","contact_id":"c1","invoice_number":"SI-1","total_amount":150.10,"total_paid":50.05,"due_date":"2026-01-31"}],
    "purchase_invoices":[{"id":"p1","contact_id":"c1","vendor_reference":"B-7","total_amount":20}])"));
  auto headers = api_headers(access_token(sandbox));
  auto list = sandbox.get(kApi + "/sales_invoices?attributes=all", headers);
  REQUIRE(list.status == 200);
  CHECK(list.body.find("\"outstanding_amount\":100.05") != std::string::npos);
  CHECK(list.body.find("\"total_amount\":150.10") != std::string::npos);
  auto doc = json(list.body);
  REQUIRE(doc["$total"].GetInt() == 1);
  CHECK(std::string(doc["$items"][0]["status"]["id"].GetString()) == "PART_PAID");
  CHECK(doc["$items"][0]["sent"].GetBool() == false);
  CHECK(json(sandbox.get(kApi + "/purchase_invoices", headers).body)["$total"].GetInt() == 1);

  CHECK(json(sandbox.get(kApi + "/sales_invoices/i1?mark_as_sent=false", headers).body)["sent"].GetBool() == false);
  CHECK(json(sandbox.get(kApi + "/sales_invoices/i1?mark_as_sent=false", headers).body)["sent"].GetBool() == false);
  CHECK(json(sandbox.get(kApi + "/sales_invoices/i1", headers).body)["sent"].GetBool() == true);
}

TEST_CASE("Sage X-Business picks the business, absent means the lead business, unknown is refused") {
  SandboxFixture sandbox(seed(R"("contacts":[{"name":"Lead contact"}],"businessData":{")" + kOther +
                              R"(":{"contacts":[{"name":"Other 1"},{"name":"Other 2"}]}})"));
  std::string token = access_token(sandbox);
  CHECK(json(sandbox.get(kApi + "/contacts", api_headers(token, kOther)).body)["$total"].GetInt() == 2);
  CHECK(json(sandbox.get(kApi + "/contacts", {{"Authorization", "Bearer " + token}}).body)["$total"].GetInt() == 1);
  CHECK(sandbox.get(kApi + "/contacts", api_headers(token, "ffffffffffffffffffffffffffffffff")).status == 404);
  auto businesses = json(sandbox.get(kApi + "/businesses", {{"Authorization", "Bearer " + token}}).body);
  CHECK(businesses["$total"].GetInt() == 2);
  CHECK(businesses["$items"][0]["id"].GetString() == kBusiness);
}

TEST_CASE("Sage allows 200 calls per 60 seconds per business, then 429 with Retry-After") {
  SandboxFixture sandbox(seed(R"("contacts":[])"));
  std::string token = access_token(sandbox);
  for (int i = 0; i < 200; ++i) REQUIRE(sandbox.get(kApi + "/contacts?items_per_page=1", api_headers(token)).status == 200);
  auto limited = sandbox.get(kApi + "/contacts?items_per_page=1", api_headers(token));
  CHECK(limited.status == 429);
  CHECK(first_error_code(limited.body) == "TooManyRequests");
  CHECK_FALSE(limited.header("retry-after").empty());
  // Another business has its own budget.
  CHECK(sandbox.get(kApi + "/contacts", api_headers(token, kOther)).status == 200);
  advance(sandbox, 60);
  CHECK(sandbox.get(kApi + "/contacts", api_headers(token)).status == 200);
}

TEST_CASE("Sage sales quotes: required members, exact totals, idempotency, expiry and no edit once invoiced") {
  SandboxFixture sandbox(seed(R"("contacts":[{"id":"c1","name":"Globex"}],"ledger_accounts":[{"id":"la1","nominal_code":"4000","name":"Sales"}])"));
  auto headers = api_headers(access_token(sandbox));

  auto missing = sandbox.send("POST", kApi + "/sales_quotes", R"({"sales_quote":{"contact_id":"c1","date":"2026-11-20"}})", headers);
  CHECK(missing.status == 422);
  CHECK(json(missing.body)[0]["$source"] == "expiry_date");
  auto bad_ledger = sandbox.send("POST", kApi + "/sales_quotes",
                                 R"({"sales_quote":{"contact_id":"c1","date":"2026-11-20","expiry_date":"2026-12-20",
                                    "quote_lines":[{"description":"X","ledger_account_id":"nope","quantity":1,"unit_price":1}]}})",
                                 headers);
  CHECK(bad_ledger.status == 422);

  const std::string body = R"({"sales_quote":{"contact_id":"c1","date":"2026-11-20","expiry_date":"2026-12-20","reference":"R-1",
      "idempotency_id":"k1","quote_lines":[{"description":"Design","ledger_account_id":"la1","quantity":3,"unit_price":33.33,"tax_rate_id":"GB_STANDARD"}]}})";
  auto created = sandbox.send("POST", kApi + "/sales_quotes", body, headers);
  REQUIRE(created.status == 201);
  auto quote = json(created.body);
  std::string id = quote["id"].GetString();
  CHECK(quote["quote_number"] == "SQ-1");
  CHECK(quote["status"]["id"] == "PENDING");  // saved, not a draft, unless asked
  CHECK(created.body.find(R"("total_amount":119.988)") != std::string::npos);  // 99.99 + 20%, digits kept
  CHECK(sandbox.send("POST", kApi + "/sales_quotes", body, headers).body == created.body);  // idempotency_id replays

  auto found = json(sandbox.get(kApi + "/sales_quotes?search=R-1&attributes=reference", headers).body);
  CHECK(found["$total"].GetInt() == 1);
  auto old = sandbox.send("POST", kApi + "/sales_quotes",
                          R"({"sales_quote":{"contact_id":"c1","date":"2020-01-02","expiry_date":"2020-02-01",
                              "quote_lines":[{"description":"Old","ledger_account_id":"la1","quantity":1,"unit_price":5}]}})",
                          headers);
  REQUIRE(old.status == 201);
  CHECK(json(old.body)["status"]["id"] == "EXPIRED");  // pending past its expiry date

  CHECK(sandbox.send("PUT", kApi + "/sales_quotes/" + id, R"({"sales_quote":{"status_id":"INVOICED"}})", headers).status == 200);
  auto refused = sandbox.send("PUT", kApi + "/sales_quotes/" + id, R"({"sales_quote":{"notes":"late"}})", headers);
  CHECK(refused.status == 422);
  CHECK(refused.body.find("cannot be edited") != std::string::npos);
  CHECK(sandbox.get(kApi + "/sales_estimates/" + id, headers).status == 404);  // another resource
  CHECK(sandbox.send("DELETE", kApi + "/sales_quotes/" + id, "", headers).status == 204);
  CHECK(json(sandbox.get(kApi + "/sales_quotes", headers).body)["$total"].GetInt() == 1);
}
