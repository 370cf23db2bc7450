// Fake KashFlow REST v2: the two-step session login (letters checked, temporary token single
// use, lock after bad attempts), idle expiry, NextPageUrl paging, unique codes with
// CreateCustomerCodeIfDuplicate, whole-member PUT, suppliers with codes of their own and
// purchases, quotes addressed by number, exact money, the per-minute limit.

#include <catch2/catch.hpp>

#include <set>

#include <rapidjson/document.h>

#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::sandbox;
using namespace capsync::sandbox::test;

namespace {

const std::string kApi = "/kashflow/v2";
const std::string kWord = "pineapple";

rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

std::string seed(const std::string& extra = "") {
  std::string customers;
  for (int i = 0; i < 30; ++i)
    customers += std::string(i ? "," : "") + R"({"Code":"C)" + std::to_string(100 + i) + R"(","Name":"Customer )" +
                 std::to_string(i) + R"("})";
  return R"({"kashflow":{"users":[{"username":"u","password":"p","memorableWord":")" + kWord +
         R"("}],"lockAfter":3,"customers":[)" + customers +
         R"(],"invoices":[{"Number":7,"CustomerCode":"C100","GrossAmount":"117.5049","VATAmount":"17.50","TotalPaidAmount":"0.0049"}])" +
         extra + "}}";
}

HttpResult start(const SandboxFixture& sandbox, const std::string& password = "p") {
  return sandbox.send("POST", kApi + "/sessiontoken", R"({"UserName":"u","Password":")" + password + R"("})",
                      {{"Content-Type", "application/json"}});
}

// The PUT body answering `challenge` with letters of `word`.
std::string letters(const std::string& challenge, const std::string& word) {
  auto doc = json(challenge);
  std::string out = R"({"TemporaryToken":")" + std::string(doc["TemporaryToken"].GetString()) +
                    R"(","MemorableWordList":[)";
  bool first = true;
  for (const auto& l : doc["MemorableWordList"].GetArray()) {
    int p = l["Position"].GetInt();
    out += std::string(first ? "" : ",") + R"({"Position":)" + std::to_string(p) + R"(,"Value":")" +
           word.substr(static_cast<std::size_t>(p - 1), 1) + R"("})";
    first = false;
  }
  return out + "]}";
}

std::string session(const SandboxFixture& sandbox) {
  auto first = start(sandbox);
  REQUIRE(first.status == 200);
  auto second = sandbox.send("PUT", kApi + "/sessiontoken", letters(first.body, "PINEAPPLE"));
  REQUIRE(second.status == 200);
  return json(second.body)["SessionToken"].GetString();
}

std::map<std::string, std::string> auth(const std::string& token) {
  return {{"Authorization", "KfToken " + token}, {"Content-Type", "application/json"}};
}

}  // namespace

TEST_CASE("KashFlow sandbox login: three distinct positions, letters case-insensitive, temporary token single use") {
  SandboxFixture sandbox(seed());
  auto first = start(sandbox);
  REQUIRE(first.status == 200);
  auto doc = json(first.body);
  std::set<int> positions;
  for (const auto& l : doc["MemorableWordList"].GetArray()) positions.insert(l["Position"].GetInt());
  CHECK(positions.size() == 3);
  CHECK(*positions.begin() >= 1);
  CHECK(*positions.rbegin() <= static_cast<int>(kWord.size()));
  auto second = sandbox.send("PUT", kApi + "/sessiontoken", letters(first.body, "PINEAPPLE"));
  REQUIRE(second.status == 200);
  auto again = sandbox.send("PUT", kApi + "/sessiontoken", letters(first.body, kWord));
  CHECK(again.status == 401);
  CHECK(std::string(json(again.body)["Error"].GetString()) == "InvalidTemporaryToken");
  std::string token = json(second.body)["SessionToken"].GetString();
  CHECK(sandbox.get(kApi + "/metadata", auth(token)).status == 200);
  CHECK(sandbox.get(kApi + "/metadata").status == 401);
  CHECK(std::string(json(sandbox.get(kApi + "/metadata", auth("nope")).body)["Error"].GetString()) == "InvalidSessionToken");
}

TEST_CASE("KashFlow sandbox: the third bad login in a row locks the account, even for the right password") {
  SandboxFixture sandbox(seed());
  CHECK(std::string(json(start(sandbox, "bad").body)["Error"].GetString()) == "InvalidCredentials");
  auto challenge = start(sandbox);
  auto wrong = sandbox.send("PUT", kApi + "/sessiontoken", letters(challenge.body, "xxxxxxxxx"));
  CHECK(wrong.status == 401);
  CHECK(std::string(json(wrong.body)["Error"].GetString()) == "InvalidMemorableWord");
  CHECK(start(sandbox, "bad").status == 401);
  auto locked = start(sandbox);
  CHECK(locked.status == 401);
  CHECK(std::string(json(locked.body)["Error"].GetString()) == "AccountLocked");
  auto state = json(sandbox.get("/_admin/state").body);
  CHECK(state["kashflow"]["users"][0]["locked"].GetBool());
}

TEST_CASE("KashFlow sandbox: a session unused for 60 minutes dies - use keeps it alive") {
  SandboxFixture sandbox(seed());
  auto token = session(sandbox);
  REQUIRE(sandbox.send("POST", "/_admin/time", R"({"advance_s":3000})").status == 200);
  CHECK(sandbox.get(kApi + "/metadata", auth(token)).status == 200);
  REQUIRE(sandbox.send("POST", "/_admin/time", R"({"advance_s":3000})").status == 200);
  CHECK(sandbox.get(kApi + "/metadata", auth(token)).status == 200);
  REQUIRE(sandbox.send("POST", "/_admin/time", R"({"advance_s":3600})").status == 200);
  auto expired = sandbox.get(kApi + "/metadata", auth(token));
  CHECK(expired.status == 401);
  CHECK(std::string(json(expired.body)["Error"].GetString()) == "InvalidSessionToken");
}

TEST_CASE("KashFlow sandbox lists: NextPageUrl until the last page, perpage clamped, exact money") {
  SandboxFixture sandbox(seed());
  auto token = session(sandbox);
  auto page = sandbox.get(kApi + "/customers?page=1&perpage=20&sortby=Code&order=Desc", auth(token));
  REQUIRE(page.status == 200);
  auto doc = json(page.body);
  CHECK(doc["Data"].Size() == 20);
  CHECK(std::string(doc["Data"][0]["Code"].GetString()) == "C129");
  CHECK(doc["MetaData"]["TotalRecords"].GetInt() == 30);
  CHECK(std::string(doc["MetaData"]["NextPageUrl"].GetString()) ==
        sandbox.url + kApi + "/customers?page=2&perpage=20&sortby=Code&order=Desc");
  auto last = json(sandbox.get(kApi + "/customers?page=2&perpage=20", auth(token)).body);
  CHECK(last["Data"].Size() == 10);
  CHECK(last["MetaData"]["NextPageUrl"].IsNull());
  CHECK(json(sandbox.get(kApi + "/customers?perpage=500", auth(token)).body)["Data"].Size() == 30);
  auto invoices = sandbox.get(kApi + "/invoices", auth(token));
  CHECK(invoices.body.find(R"("GrossAmount":117.5049,)") != std::string::npos);
  CHECK(invoices.body.find(R"("NetAmount":100.0049,)") != std::string::npos);
  CHECK(invoices.body.find(R"("Status":"PartiallyPaid")") != std::string::npos);
  CHECK(sandbox.get(kApi + "/invoices/7", auth(token)).status == 200);
  CHECK(sandbox.get(kApi + "/invoices/8", auth(token)).status == 404);
}

TEST_CASE("KashFlow sandbox customers: codes unique unless CreateCustomerCodeIfDuplicate, names may repeat, PUT") {
  SandboxFixture sandbox(seed());
  auto token = session(sandbox);
  auto dup = sandbox.send("POST", kApi + "/customers", R"({"Code":"C100","Name":"Customer 0"})", auth(token));
  CHECK(dup.status == 400);
  CHECK(std::string(json(dup.body)["Error"].GetString()) == "DuplicateCustomerCode");
  auto made = sandbox.send("POST", kApi + "/customers",
                           R"({"Code":"C100","Name":"Customer 0","CreateCustomerCodeIfDuplicate":true})", auth(token));
  REQUIRE(made.status == 201);
  CHECK(std::string(json(made.body)["Code"].GetString()) == "CUST01");
  CHECK(sandbox.send("POST", kApi + "/customers", R"({"Name":""})", auth(token)).status == 400);
  auto put = sandbox.send("PUT", kApi + "/customers/C100", R"({"Email":"a@b.example","Contacts":[{"Firstname":"Ann"}]})",
                          auth(token));
  REQUIRE(put.status == 200);
  auto doc = json(put.body);
  CHECK(std::string(doc["Name"].GetString()) == "Customer 0");  // not sent: kept
  CHECK(std::string(doc["Email"].GetString()) == "a@b.example");
  CHECK(std::string(doc["Contacts"][0]["Firstname"].GetString()) == "Ann");
  CHECK(sandbox.send("PUT", kApi + "/customers/NOPE", "{}", auth(token)).status == 404);
  auto renamed = sandbox.send("PUT", kApi + "/customers/C100", R"({"Code":"NEW1"})", auth(token));
  REQUIRE(renamed.status == 200);
  CHECK(std::string(json(sandbox.get(kApi + "/invoices/7", auth(token)).body)["CustomerCode"].GetString()) == "NEW1");
}

TEST_CASE("KashFlow sandbox suppliers: the customer members with an Address object, GET and PUT by code, purchases listed") {
  SandboxFixture sandbox(seed(R"(,"suppliers":[{"Code":"C100","Name":"Parts Ltd","LastUpdatedDate":"2026-03-01 10:00:00",
      "Contacts":[{"Firstname":"Pat","LastName":"Parts"}],"Address":{"Line1":"1 Mill Lane","Line3":"Leeds"}},
      {"Code":"SUP02","Name":"Tools Ltd","IsArchived":true}],
    "purchases":[{"Number":7,"SupplierCode":"C100","GrossAmount":"40.50","TotalPaidAmount":"0","Currency":"EUR",
      "DueDateOffsetDays":-3}])"));
  auto token = session(sandbox);
  auto list = json(sandbox.get(kApi + "/suppliers?page=1&perpage=1&sortby=Code&order=Asc", auth(token)).body);
  REQUIRE(list["Data"].Size() == 1);
  CHECK(std::string(list["Data"][0]["Name"].GetString()) == "Parts Ltd");  // a code of its own: C100 is also a customer's
  CHECK(list["MetaData"]["TotalRecords"].GetInt() == 2);
  CHECK_FALSE(list["MetaData"]["NextPageUrl"].IsNull());
  auto one = json(sandbox.get(kApi + "/suppliers/SUP02", auth(token)).body);
  CHECK(one["IsArchived"].GetBool());
  CHECK(one["Address"].IsObject());
  CHECK_FALSE(one.HasMember("Addresses"));
  CHECK(sandbox.get(kApi + "/suppliers/NOPE", auth(token)).status == 404);

  auto put = sandbox.send("PUT", kApi + "/suppliers/C100", R"({"Email":"pat@parts.example","Address":{"Line1":"2 Mill Lane"}})",
                          auth(token));
  REQUIRE(put.status == 200);
  auto doc = json(put.body);
  CHECK(std::string(doc["Name"].GetString()) == "Parts Ltd");  // not sent: kept
  CHECK(std::string(doc["Email"].GetString()) == "pat@parts.example");
  CHECK(std::string(doc["Contacts"][0]["Firstname"].GetString()) == "Pat");
  CHECK(std::string(doc["Address"]["Line1"].GetString()) == "2 Mill Lane");
  CHECK(std::string(doc["LastUpdatedDate"].GetString()) != "2026-03-01 10:00:00 +00:00");  // a write updates it
  auto customer = json(sandbox.get(kApi + "/customers/C100", auth(token)).body);
  CHECK(std::string(customer["Name"].GetString()) == "Customer 0");  // the customer with that code is untouched
  CHECK(std::string(customer["Email"].GetString()).empty());

  auto purchases = sandbox.get(kApi + "/purchases?page=1&perpage=100&sortby=Number&order=Asc", auth(token));
  REQUIRE(purchases.status == 200);
  auto purchases_body = json(purchases.body);
  auto p = purchases_body["Data"][0].GetObject();
  CHECK(std::string(p["SupplierCode"].GetString()) == "C100");
  CHECK(std::string(p["SupplierName"].GetString()) == "Parts Ltd");
  CHECK(p["Number"].GetInt() == 7);
  CHECK(std::string(p["Status"].GetString()) == "Overdue");
  CHECK(std::string(p["Currency"]["Code"].GetString()) == "EUR");
  CHECK(p.HasMember("IssuedDate"));
  CHECK(p.HasMember("DueDate"));
  CHECK(purchases.body.find(R"("GrossAmount":40.50,)") != std::string::npos);
  CHECK(std::string(p["Permalink"].GetString()).starts_with("/v2/documents/purchaseorder/"));
  CHECK(sandbox.send("DELETE", kApi + "/suppliers/C100", "", auth(token)).status == 400);  // it has a purchase
  CHECK(sandbox.send("DELETE", kApi + "/suppliers/SUP02", "", auth(token)).status == 200);
}

TEST_CASE("KashFlow sandbox limit: rateLimits.perMinute calls per user, then 429 with Retry-After") {
  SandboxFixture sandbox(seed(R"(,"rateLimits":{"perMinute":3})"));
  auto token = session(sandbox);
  for (int i = 0; i < 3; ++i) CHECK(sandbox.get(kApi + "/metadata", auth(token)).status == 200);
  auto limited = sandbox.get(kApi + "/metadata", auth(token));
  CHECK(limited.status == 429);
  CHECK(std::string(json(limited.body)["Error"].GetString()) == "TooManyRequests");
  CHECK(std::stoi(limited.header("retry-after")) >= 1);
  REQUIRE(sandbox.send("POST", "/_admin/time", R"({"advance_s":61})").status == 200);
  CHECK(sandbox.get(kApi + "/metadata", auth(token)).status == 200);
}

TEST_CASE("KashFlow quotes: numbered in sequence, addressed by number, exact amounts, errors in KashFlow's shape") {
  SandboxFixture sandbox(seed(R"(,"quotes":[{"Number":4,"CustomerCode":"C101","NetAmount":"10.00"}])"));
  auto headers = auth(session(sandbox));
  CHECK(sandbox.get(kApi + "/quotes").status == 401);  // a session is needed

  auto created = sandbox.send("POST", kApi + "/quotes",
                              R"({"Date":"2026-11-20 12:00:00","CustomerCode":"C100","CustomerReference":"R-1",
                                  "LineItems":[{"Number":0,"Quantity":3,"Rate":33.33,"Description":"Design","VATRate":20}]})",
                              headers);
  REQUIRE(created.status == 201);
  auto quote = json(created.body);
  CHECK(quote["Number"].GetInt() == 5);  // after the seeded 4
  CHECK(created.body.find(R"("GrossAmount":119.988)") != std::string::npos);
  CHECK(std::string(quote["Permalink"].GetString()).starts_with("/v2/documents/quote/"));
  CHECK(std::string(quote["Date"].GetString()).starts_with("2026-11-20 "));

  auto unknown = sandbox.send("POST", kApi + "/quotes", R"({"CustomerCode":"NOPE","LineItems":[{"Quantity":1,"Rate":1}]})", headers);
  CHECK(unknown.status == 400);
  CHECK(std::string(json(unknown.body)["Error"].GetString()) == "CustomerNotFound");
  auto empty = sandbox.send("POST", kApi + "/quotes", R"({"CustomerCode":"C100","LineItems":[]})", headers);
  CHECK(empty.status == 400);

  auto changed = sandbox.send("PUT", kApi + "/quotes/5", R"({"CustomerReference":"R-2"})", headers);
  REQUIRE(changed.status == 200);
  CHECK(std::string(json(changed.body)["CustomerReference"].GetString()) == "R-2");
  auto list = json(sandbox.get(kApi + "/quotes?perpage=1", headers).body);
  CHECK(list["MetaData"]["TotalRecords"].GetInt() == 2);
  CHECK(list["MetaData"]["NextPageUrl"].IsString());
  CHECK(sandbox.send("DELETE", kApi + "/quotes/4", "", headers).status == 200);
  CHECK(sandbox.get(kApi + "/quotes/4", headers).status == 404);
}
