// Fake Capsule API v2: paging, since, nested-array PUT rules, validation, deletions, auth.

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::sandbox::test;

namespace {

const std::map<std::string, std::string> kAuth = {{"Authorization", "Bearer capsule-sandbox-token"},
                                                  {"Content-Type", "application/json"}};
const char* kSeed = R"({
  "capsule": {
    "tokens": ["capsule-sandbox-token"],
    "users": [{"id": 1, "username": "sandbox", "name": "Sandbox Admin"}],
    "teams": [{"id": 7, "name": "Sales"}],
    "fieldDefinitions": [{"id": 90, "type": "number", "name": "Lead Score"}, {"id": 91, "type": "boolean", "name": "Local"}],
    "parties": [
      {"id": 1, "type": "organisation", "name": "Acme Ltd", "emailAddresses": [{"id": 500, "type": "Work", "address": "a@acme.test"}]},
      {"id": 2, "type": "organisation", "name": "Beta Ltd"},
      {"id": 3, "type": "person", "firstName": "Jane", "lastName": "Smith"},
      {"id": 4, "type": "person", "firstName": "Chris", "lastName": "Evans"},
      {"id": 5, "type": "organisation", "name": "Gamma Ltd"}
    ]
  }
})";

rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

std::string now_of(const SandboxFixture& sandbox) { return json(sandbox.get("/_admin/time").body)["now"].GetString(); }

void advance(const SandboxFixture& sandbox, int seconds) {
  REQUIRE(sandbox.send("POST", "/_admin/time", "{\"advance_s\":" + std::to_string(seconds) + "}").status == 200);
}

}  // namespace

TEST_CASE("Capsule parties are paged with a Link header to the next page") {
  SandboxFixture sandbox(kSeed);
  auto first = sandbox.get("/capsule/api/v2/parties?perPage=2", kAuth);
  REQUIRE(first.status == 200);
  CHECK(json(first.body)["parties"].Size() == 2);
  CHECK(first.header("link") == "<" + sandbox.url + "/capsule/api/v2/parties?perPage=2&page=2>; rel=\"next\"");
  CHECK(first.header("x-ratelimit-limit") == "4000");
  CHECK(first.header("x-ratelimit-remaining") == "3999");
  auto last = sandbox.get("/capsule/api/v2/parties?perPage=2&page=3", kAuth);
  CHECK(json(last.body)["parties"].Size() == 1);
  CHECK(json(last.body)["parties"][0]["id"].GetInt() == 5);
  CHECK(last.header("link").find("rel=\"next\"") == std::string::npos);
  CHECK(sandbox.get("/capsule/api/v2/parties?perPage=101", kAuth).status == 400);
}

TEST_CASE("Capsule rejects a missing or wrong bearer token with 401 JSON") {
  SandboxFixture sandbox(kSeed);
  auto none = sandbox.get("/capsule/api/v2/parties");
  CHECK(none.status == 401);
  CHECK(json(none.body).HasMember("message"));
  CHECK(sandbox.get("/capsule/api/v2/parties", {{"Authorization", "Bearer nope"}}).status == 401);
}

TEST_CASE("Capsule since returns only parties changed after the given time") {
  SandboxFixture sandbox(kSeed);
  std::string before = now_of(sandbox);
  advance(sandbox, 10);
  REQUIRE(sandbox.send("PUT", "/capsule/api/v2/parties/3", R"({"party":{"jobTitle":"CFO"}})", kAuth).status == 200);
  auto changed = json(sandbox.get("/capsule/api/v2/parties?since=" + before, kAuth).body);
  REQUIRE(changed["parties"].Size() == 1);
  CHECK(changed["parties"][0]["id"].GetInt() == 3);
  CHECK(std::string(changed["parties"][0]["updatedAt"].GetString()) > before);
}

TEST_CASE("Capsule PUT appends, updates and deletes nested items by id") {
  SandboxFixture sandbox(kSeed);
  advance(sandbox, 5);
  auto put = [&](const std::string& body) {
    auto result = sandbox.send("PUT", "/capsule/api/v2/parties/1?embed=fields,tags", body, kAuth);
    REQUIRE(result.status == 200);
    return json(result.body);
  };
  auto original = json(sandbox.get("/capsule/api/v2/parties/1", kAuth).body);
  std::string stamp = original["party"]["updatedAt"].GetString();

  SECTION("an empty array changes nothing, not even updatedAt") {
    auto same = put(R"({"party":{"emailAddresses":[]}})");
    CHECK(same["party"]["emailAddresses"].Size() == 1);
    CHECK(same["party"]["updatedAt"].GetString() == stamp);
  }
  SECTION("an item without id is appended") {
    auto added = put(R"({"party":{"emailAddresses":[{"type":"Home","address":"b@acme.test"}]}})");
    REQUIRE(added["party"]["emailAddresses"].Size() == 2);
    CHECK(std::string(added["party"]["emailAddresses"][1]["address"].GetString()) == "b@acme.test");
    CHECK(added["party"]["updatedAt"].GetString() != stamp);
  }
  SECTION("an item with id is updated, _delete removes it, _destroy is ignored") {
    auto updated = put(R"({"party":{"emailAddresses":[{"id":500,"address":"new@acme.test"}]}})");
    CHECK(std::string(updated["party"]["emailAddresses"][0]["address"].GetString()) == "new@acme.test");
    CHECK(std::string(updated["party"]["emailAddresses"][0]["type"].GetString()) == "Work");
    auto kept = put(R"({"party":{"emailAddresses":[{"id":500,"_destroy":true}]}})");
    CHECK(kept["party"]["emailAddresses"].Size() == 1);
    auto gone = put(R"({"party":{"emailAddresses":[{"id":500,"_delete":true}]}})");
    CHECK(gone["party"]["emailAddresses"].Size() == 0);
  }
  SECTION("custom fields and tags follow the same rules; numbers come back as strings") {
    auto with_field = put(R"({"party":{"fields":[{"definition":{"id":90},"value":42}],"tags":[{"name":"Customer"}]}})");
    REQUIRE(with_field["party"]["fields"].Size() == 1);
    CHECK(std::string(with_field["party"]["fields"][0]["value"].GetString()) == "42");
    REQUIRE(with_field["party"]["tags"].Size() == 1);
    auto tag_id = with_field["party"]["tags"][0]["id"].GetInt64();
    auto row_id = with_field["party"]["fields"][0]["id"].GetInt64();
    auto cleared = put(R"({"party":{"fields":[{"id":)" + std::to_string(row_id) + R"(,"_delete":true}],"tags":[{"id":)" +
                       std::to_string(tag_id) + R"(,"_delete":true}]}})");
    CHECK(cleared["party"]["fields"].Size() == 0);
    CHECK(cleared["party"]["tags"].Size() == 0);
    auto bad = sandbox.send("PUT", "/capsule/api/v2/parties/1", R"({"party":{"fields":[{"definition":{"id":91},"value":null}]}})", kAuth);
    CHECK(bad.status == 422);
  }
  SECTION("fields and tags are left out unless embedded") {
    auto plain = json(sandbox.get("/capsule/api/v2/parties/1", kAuth).body);
    CHECK_FALSE(plain["party"].HasMember("fields"));
    CHECK_FALSE(plain["party"].HasMember("tags"));
  }
}

TEST_CASE("Capsule validates new parties like the real service") {
  SandboxFixture sandbox(kSeed);
  auto post = [&](const std::string& body) { return sandbox.send("POST", "/capsule/api/v2/parties", body, kAuth); };
  auto duplicate = post(R"({"party":{"type":"organisation","name":"Acme Ltd"}})");
  CHECK(duplicate.status == 422);
  CHECK(std::string(json(duplicate.body)["errors"][0]["field"].GetString()) == "name");
  CHECK(post(R"({"party":{"name":"No type"}})").status == 422);
  CHECK(post(R"({"party":{"type":"person"}})").status == 422);
  CHECK(post(R"({"party":{"type":"organisation","name":"Delta","addresses":[{"country":"UK"}]}})").status == 422);
  auto created = post(R"({"party":{"type":"organisation","name":"Delta","addresses":[{"country":"United Kingdom"}]}})");
  REQUIRE(created.status == 201);
  CHECK(json(created.body)["party"]["owner"]["id"].GetInt() == 1);
  CHECK(sandbox.send("PUT", "/capsule/api/v2/parties/2", R"({"party":{"name":"Acme Ltd"}})", kAuth).status == 422);
}

TEST_CASE("Capsule deleted parties are listed by /parties/deleted, which needs since") {
  SandboxFixture sandbox(kSeed);
  std::string before = now_of(sandbox);
  advance(sandbox, 1);
  CHECK(sandbox.get("/capsule/api/v2/parties/deleted", kAuth).status == 422);
  REQUIRE(sandbox.send("DELETE", "/capsule/api/v2/parties/2", "", kAuth).status == 204);
  CHECK(sandbox.get("/capsule/api/v2/parties/2", kAuth).status == 404);
  auto deleted = json(sandbox.get("/capsule/api/v2/parties/deleted?since=" + before, kAuth).body);
  REQUIRE(deleted["parties"].Size() == 1);
  CHECK(deleted["parties"][0]["id"].GetInt() == 2);
  CHECK(deleted["parties"][0].HasMember("deletedAt"));
  auto all = json(sandbox.get("/capsule/api/v2/parties", kAuth).body);
  CHECK(all["parties"].Size() == 4);
}

TEST_CASE("Capsule notes can be added to and listed for a party") {
  SandboxFixture sandbox(kSeed);
  auto created = sandbox.send("POST", "/capsule/api/v2/entries",
                              R"({"entry":{"type":"note","party":{"id":3},"content":"Invoice summary: 2 open"}})", kAuth);
  REQUIRE(created.status == 201);
  auto id = json(created.body)["entry"]["id"].GetInt64();
  REQUIRE(sandbox.send("PUT", "/capsule/api/v2/entries/" + std::to_string(id), R"({"entry":{"content":"3 open"}})", kAuth).status == 200);
  auto list = json(sandbox.get("/capsule/api/v2/parties/3/entries", kAuth).body);
  REQUIRE(list["entries"].Size() == 1);
  CHECK(std::string(list["entries"][0]["content"].GetString()) == "3 open");
  CHECK(json(sandbox.get("/capsule/api/v2/users/current", kAuth).body)["user"]["id"].GetInt() == 1);
}

// Issue 20: the sandbox answers in Capsule's own shapes (developer.capsulecrm.com v2 docs and
// responses recorded from the real API; sources in test/sandbox/README.md).
namespace {

const char* kShapeSeed = R"({
  "capsule": {
    "tokens": ["capsule-sandbox-token"],
    "users": [{"id": 1, "username": "sandbox", "name": "Sandbox Admin"}],
    "teams": [{"id": 7, "name": "Sales"}],
    "tags": [{"id": 80, "name": "Customer", "dataTag": false}],
    "fieldDefinitions": [{"id": 90, "type": "text", "name": "Invoice summary"},
                         {"id": 91, "type": "text", "name": "Account code", "important": true},
                         {"id": 92, "type": "date", "name": "Birthday", "important": true, "captureRule": "person"}],
    "parties": [
      {"id": 1, "type": "organisation", "name": "Acme Ltd", "owner": {"id": 1},
       "emailAddresses": [{"type": "Work", "address": "a@acme.test"}],
       "fields": [{"definition": {"id": 91}, "value": "ACME"}]},
      {"id": 2, "type": "person", "firstName": "Jane", "lastName": "Smith", "organisation": {"id": 1},
       "tags": [{"id": 80, "name": "Customer", "dataTag": false}]},
      {"id": 3, "type": "organisation", "name": "Beta Ltd"}
    ]
  }
})";

std::set<std::string> keys_of(const rapidjson::Value& object) {
  std::set<std::string> keys;
  for (const auto& m : object.GetObject()) keys.insert(m.name.GetString());
  return keys;
}

const std::string kParties = "/capsule/api/v2/parties";

}  // namespace

TEST_CASE("Capsule parties from the seed carry every documented key, as parties created through the API do") {
  SandboxFixture sandbox(kShapeSeed);
  auto created_person = json(sandbox.send("POST", kParties, R"({"party":{"type":"person","lastName":"Evans"}})", kAuth).body);
  auto created_org = json(sandbox.send("POST", kParties, R"({"party":{"type":"organisation","name":"Gamma Ltd"}})", kAuth).body);
  auto seeded_person = json(sandbox.get(kParties + "/2", kAuth).body);
  auto seeded_org = json(sandbox.get(kParties + "/3", kAuth).body);
  CHECK(keys_of(seeded_person["party"]) == keys_of(created_person["party"]));
  CHECK(keys_of(seeded_org["party"]) == keys_of(created_org["party"]));
  for (const char* key : {"about", "owner", "team", "lastContactedAt", "pictureURL", "title", "jobTitle", "organisation",
                          "addresses", "phoneNumbers", "websites", "emailAddresses"})
    CHECK(seeded_person["party"].HasMember(key));
  CHECK(seeded_person["party"]["about"].IsNull());
  CHECK(seeded_person["party"]["lastContactedAt"].IsNull());
  CHECK(seeded_person["party"]["websites"].IsArray());
  // pictureURL is always a URL: Capsule's default avatar when there is no picture.
  for (const auto* party : {&seeded_person["party"], &seeded_org["party"], &created_person["party"], &created_org["party"]}) {
    REQUIRE((*party)["pictureURL"].IsString());
    CHECK(std::string((*party)["pictureURL"].GetString()).starts_with("https://"));
  }
  // A seeded owner given by id reads back as the user, as Capsule shows it.
  auto seeded_owner = json(sandbox.get(kParties + "/1", kAuth).body);
  CHECK(std::string(seeded_owner["party"]["owner"]["username"].GetString()) == "sandbox");
  // A person's organisation is a nested party with its name and picture.
  const auto& org = seeded_person["party"]["organisation"];
  CHECK(org["id"].GetInt() == 1);
  CHECK(std::string(org["name"].GetString()) == "Acme Ltd");
  CHECK(org["pictureURL"].IsString());
}

TEST_CASE("Capsule POST /parties answers with fields and tags only when embed asks for them") {
  SandboxFixture sandbox(kShapeSeed);
  auto plain = sandbox.send("POST", kParties,
                            R"({"party":{"type":"organisation","name":"Delta Ltd","tags":[{"name":"Customer"}],
                               "fields":[{"definition":{"id":90},"value":"x"}]}})", kAuth);
  REQUIRE(plain.status == 201);
  CHECK_FALSE(json(plain.body)["party"].HasMember("fields"));
  CHECK_FALSE(json(plain.body)["party"].HasMember("tags"));
  auto embedded = sandbox.send("POST", kParties + "?embed=fields,tags",
                               R"({"party":{"type":"organisation","name":"Echo Ltd","tags":[{"name":"Customer"}],
                                  "fields":[{"definition":{"id":90},"value":"x"}]}})", kAuth);
  REQUIRE(embedded.status == 201);
  CHECK(json(embedded.body)["party"]["fields"].Size() == 1);
  CHECK(json(embedded.body)["party"]["tags"].Size() == 1);
}

TEST_CASE("Capsule embed=organisation gives a person its organisation's full details") {
  SandboxFixture sandbox(kShapeSeed);
  auto plain = json(sandbox.get(kParties + "/2", kAuth).body);
  CHECK_FALSE(plain["party"]["organisation"].HasMember("emailAddresses"));
  auto embedded = json(sandbox.get(kParties + "/2?embed=organisation", kAuth).body);
  const auto& org = embedded["party"]["organisation"];
  CHECK(org["id"].GetInt() == 1);
  CHECK(std::string(org["type"].GetString()) == "organisation");
  REQUIRE(org.HasMember("emailAddresses"));
  CHECK(std::string(org["emailAddresses"][0]["address"].GetString()) == "a@acme.test");
  CHECK_FALSE(org.HasMember("fields"));
  // Lists too; an organisation's own body is unchanged.
  auto list = json(sandbox.get(kParties + "?embed=organisation", kAuth).body);
  CHECK(list["parties"][1]["organisation"].HasMember("emailAddresses"));
  CHECK(list["parties"][0].HasMember("name"));
}

TEST_CASE("Capsule embed=missingImportantFields says whether an important field lacks a value") {
  SandboxFixture sandbox(kShapeSeed);
  auto plain = json(sandbox.get(kParties + "/1", kAuth).body);
  CHECK_FALSE(plain["party"].HasMember("missingImportantFields"));
  auto list = json(sandbox.get(kParties + "?embed=missingImportantFields", kAuth).body);
  REQUIRE(list["parties"].Size() == 3);
  CHECK(list["parties"][0]["missingImportantFields"].GetBool() == false);  // Acme has its account code
  CHECK(list["parties"][1]["missingImportantFields"].GetBool() == true);   // Jane lacks both
  CHECK(list["parties"][2]["missingImportantFields"].GetBool() == true);   // Beta lacks its account code
  REQUIRE(sandbox.send("PUT", kParties + "/3", R"({"party":{"fields":[{"definition":{"id":91},"value":"BETA"}]}})", kAuth)
              .status == 200);
  auto filled = json(sandbox.get(kParties + "/3?embed=missingImportantFields", kAuth).body);
  CHECK(filled["party"]["missingImportantFields"].GetBool() == false);  // the person-only field does not apply
}

TEST_CASE("Capsule Link header carries rel=prev after the first page") {
  SandboxFixture sandbox(kSeed);
  auto middle = sandbox.get("/capsule/api/v2/parties?perPage=2&page=2", kAuth);
  CHECK(middle.header("link") == "<" + sandbox.url + "/capsule/api/v2/parties?perPage=2&page=3>; rel=\"next\", <" +
                                     sandbox.url + "/capsule/api/v2/parties?perPage=2&page=1>; rel=\"prev\"");
  auto last = sandbox.get("/capsule/api/v2/parties?perPage=2&page=3", kAuth);
  CHECK(last.header("link") == "<" + sandbox.url + "/capsule/api/v2/parties?perPage=2&page=2>; rel=\"prev\"");
  auto first = sandbox.get("/capsule/api/v2/parties?perPage=2", kAuth);
  CHECK(first.header("link").find("rel=\"prev\"") == std::string::npos);
}

TEST_CASE("Capsule answers a method a route does not take with 405 Method not allowed") {
  SandboxFixture sandbox(kSeed);
  for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"PATCH", "/parties/1"}, {"POST", "/parties/1"}, {"DELETE", "/parties"}, {"PUT", "/parties"},
           {"POST", "/users"}, {"DELETE", "/countries"}}) {
    auto result = sandbox.send(method, "/capsule/api/v2" + path, "{}", kAuth);
    INFO(method << " " << path);
    CHECK(result.status == 405);
    CHECK(result.body == R"({"message":"Method not allowed"})");
  }
  CHECK(sandbox.get("/capsule/api/v2/nothing-here", kAuth).status == 404);
  CHECK(sandbox.get("/capsule/api/v2/parties/999", kAuth).status == 404);
}

TEST_CASE("Capsule lists an organisation's people in the party shape, embeds only on request") {
  SandboxFixture sandbox(kShapeSeed);
  auto plain = json(sandbox.get(kParties + "/1/people", kAuth).body);
  REQUIRE(plain["parties"].Size() == 1);
  CHECK(plain["parties"][0]["id"].GetInt() == 2);
  CHECK_FALSE(plain["parties"][0].HasMember("tags"));
  CHECK_FALSE(plain["parties"][0].HasMember("fields"));
  auto embedded = json(sandbox.get(kParties + "/1/people?embed=tags", kAuth).body);
  CHECK(embedded["parties"][0]["tags"].Size() == 1);
}

TEST_CASE("Capsule serves several accounts, each reached by its own token, sharing nothing") {
  SandboxFixture sandbox(R"({"capsule": {
    "tokens": ["capsule-sandbox-token"],
    "parties": [{"id": 1, "type": "organisation", "name": "Acme Ltd"}],
    "accounts": [
      {"tokens": ["token-b"], "site": {"subdomain": "bravo", "name": "Bravo"},
       "parties": [{"id": 1, "type": "organisation", "name": "Bravo Ltd"}]}
    ]}})");
  const std::map<std::string, std::string> b = {{"Authorization", "Bearer token-b"}, {"Content-Type", "application/json"}};
  CHECK(json(sandbox.get("/capsule/api/v2/site", b).body)["site"]["subdomain"] == "bravo");
  CHECK(json(sandbox.get("/capsule/api/v2/site", kAuth).body)["site"]["subdomain"] == "sandbox");
  CHECK(json(sandbox.get("/capsule/api/v2/parties/1", b).body)["party"]["name"] == "Bravo Ltd");

  // A party created in one account is not in the other; each token has its own hourly limit.
  REQUIRE(sandbox.send("POST", "/capsule/api/v2/parties", R"({"party":{"type":"organisation","name":"Only B"}})", b)
              .status == 201);
  auto names = [&](const std::map<std::string, std::string>& auth) {
    std::set<std::string> out;
    auto parties = json(sandbox.get("/capsule/api/v2/parties", auth).body);
    for (const auto& p : parties["parties"].GetArray())
      out.insert(p["name"].GetString());
    return out;
  };
  CHECK(names(b) == std::set<std::string>{"Bravo Ltd", "Only B"});
  CHECK(names(kAuth) == std::set<std::string>{"Acme Ltd"});
  CHECK(sandbox.get("/capsule/api/v2/parties", kAuth).header("x-ratelimit-remaining") == "3997");
}
