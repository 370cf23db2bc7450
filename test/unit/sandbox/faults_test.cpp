// Admin endpoints: fault kinds, request log, Capsule rate limit, concurrency limit, TLS.

#include <netdb.h>

#include <filesystem>
#include <future>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "core/encoding/base64.hpp"
#include "test/sandbox/xero_identity.hpp"
#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::sandbox;
using namespace capsync::sandbox::test;

namespace {

const std::map<std::string, std::string> kCapsule = {{"Authorization", "Bearer capsule-sandbox-token"}};
const std::string kTenant = "b0a1c2d3-0000-4000-8000-000000000001";

rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  return doc;
}

void arm(const SandboxFixture& sandbox, const std::string& fault) {
  REQUIRE(sandbox.send("POST", "/_admin/faults", fault).status == 200);
}

std::map<std::string, std::string> xero_headers(const SandboxFixture& sandbox) {
  auto tokens = sandbox.send("POST", "/xero-identity/connect/token",
                             "grant_type=refresh_token&refresh_token=xero-sandbox-refresh-token",
                             {{"Authorization", "Basic " + capsync::encoding::base64_encode("sandbox-client-id:sandbox-client-secret")}});
  REQUIRE(tokens.status == 200);
  return {{"Authorization", std::string("Bearer ") + json(tokens.body)["access_token"].GetString()},
          {"xero-tenant-id", kTenant}};
}

}  // namespace

TEST_CASE("Status faults answer with the provider's own 429") {
  SandboxFixture sandbox;
  arm(sandbox, R"({"prefix":"/capsule/api/v2/parties","method":"GET","kind":"status","status":429,"count":2})");
  auto capsule = sandbox.get("/capsule/api/v2/parties", kCapsule);
  CHECK(capsule.status == 429);
  CHECK(capsule.body == R"({"error":"rate limit reached"})");
  CHECK(capsule.header("x-ratelimit-remaining") == "0");
  CHECK_FALSE(capsule.header("x-ratelimit-reset").empty());
  CHECK(capsule.header("retry-after").empty());
  CHECK(sandbox.get("/capsule/api/v2/parties", kCapsule).status == 429);
  CHECK(sandbox.get("/capsule/api/v2/parties", kCapsule).status == 200);  // count spent

  auto headers = xero_headers(sandbox);
  arm(sandbox, R"({"prefix":"/xero/api.xro/2.0/Contacts","kind":"status","status":429,"retry_after":7})");
  auto xero = sandbox.get("/xero/api.xro/2.0/Contacts", headers);
  CHECK(xero.status == 429);
  CHECK(xero.header("retry-after") == "7");
  CHECK(xero.header("x-rate-limit-problem") == "minute");
  CHECK(sandbox.get("/xero/api.xro/2.0/Contacts", headers).status == 200);
}

TEST_CASE("Transport faults: reset, truncate, malformed, deep_json, delay") {
  SandboxFixture sandbox;
  SECTION("reset closes the connection unanswered") {
    arm(sandbox, R"({"prefix":"/capsule/","kind":"reset"})");
    auto result = sandbox.get("/capsule/api/v2/parties", kCapsule);
    CHECK(result.status == 0);
    CHECK_FALSE(result.error.empty());
  }
  SECTION("truncate announces more body than it sends") {
    arm(sandbox, R"({"prefix":"/capsule/","kind":"truncate"})");
    auto result = sandbox.get("/capsule/api/v2/parties", kCapsule);
    CHECK(result.status == 0);
    CHECK_FALSE(result.error.empty());
  }
  SECTION("malformed answers 200 with invalid JSON") {
    arm(sandbox, R"({"prefix":"/capsule/","kind":"malformed"})");
    auto result = sandbox.get("/capsule/api/v2/parties", kCapsule);
    CHECK(result.status == 200);
    CHECK(json(result.body).HasParseError());
  }
  SECTION("deep_json answers 200 with arrays nested a million deep") {
    arm(sandbox, R"({"prefix":"/capsule/","kind":"deep_json"})");
    auto result = sandbox.get("/capsule/api/v2/parties", kCapsule);
    CHECK(result.status == 200);
    CHECK(result.body == std::string(1'000'000, '[') + std::string(1'000'000, ']'));
  }
  SECTION("delay still answers normally") {
    arm(sandbox, R"({"prefix":"/capsule/","kind":"delay","delay_ms":50})");
    CHECK(sandbox.get("/capsule/api/v2/parties", kCapsule).status == 200);
  }
  CHECK(sandbox.get("/capsule/api/v2/parties", kCapsule).status == 200);  // one-shot by default
}

TEST_CASE("corrupt_record changes one member of one record of a list answer, once") {
  SandboxFixture sandbox(R"({"capsule": {"tokens": ["capsule-sandbox-token"],
    "parties": [{"type": "organisation", "name": "Acme Ltd"}, {"type": "organisation", "name": "Globex"}]}})");
  arm(sandbox, R"({"prefix":"/capsule/","kind":"corrupt_record","index":1,"field":"id","value":{"x":[1]}})");
  auto doc = json(sandbox.get("/capsule/api/v2/parties", kCapsule).body);
  REQUIRE(doc["parties"].Size() == 2);
  CHECK(doc["parties"][0]["id"].IsInt64());
  REQUIRE(doc["parties"][1]["id"].IsObject());
  CHECK(doc["parties"][1]["id"]["x"][0].GetInt() == 1);
  CHECK(std::string(doc["parties"][1]["name"].GetString()) == "Globex");
  CHECK(json(sandbox.get("/capsule/api/v2/parties", kCapsule).body)["parties"][1]["id"].IsInt64());
}

TEST_CASE("Token faults: expired_token and invalid_grant") {
  SandboxFixture sandbox;
  auto headers = xero_headers(sandbox);
  arm(sandbox, R"({"prefix":"/xero/api.xro/2.0/","kind":"expired_token"})");
  auto expired = sandbox.get("/xero/api.xro/2.0/Contacts", headers);
  CHECK(expired.status == 401);
  CHECK(std::string(json(expired.body)["Detail"].GetString()).starts_with("TokenExpired"));
  arm(sandbox, R"({"prefix":"/capsule/","kind":"expired_token"})");
  CHECK(sandbox.get("/capsule/api/v2/parties", kCapsule).status == 401);
  arm(sandbox, R"({"prefix":"/xero-identity/connect/token","kind":"invalid_grant"})");
  auto grant = sandbox.send("POST", "/xero-identity/connect/token", "grant_type=refresh_token&refresh_token=x");
  CHECK(grant.status == 400);
  CHECK(grant.body == R"({"error":"invalid_grant"})");
}

TEST_CASE("Fraction faults are deterministic for a given seed") {
  auto pattern = [] {
    SandboxFixture sandbox;
    arm(sandbox, R"({"prefix":"/capsule/","kind":"status","status":503,"fraction":0.5,"seed":7})");
    std::string statuses;
    for (int i = 0; i < 20; ++i) statuses += sandbox.get("/capsule/api/v2/parties", kCapsule).status == 503 ? 'x' : '.';
    return statuses;
  };
  auto first = pattern();
  CHECK(first == pattern());
  CHECK(first.find('x') != std::string::npos);
  CHECK(first.find('.') != std::string::npos);
}

TEST_CASE("The request log records provider calls without secrets and can be cleared") {
  SandboxFixture sandbox;
  sandbox.get("/capsule/api/v2/parties?page=1", kCapsule);
  xero_headers(sandbox);
  auto log = sandbox.get("/_admin/requests");
  CHECK(log.body.find("capsule-sandbox-token") == std::string::npos);
  CHECK(log.body.find("xero-sandbox-refresh-token") == std::string::npos);
  auto entries = json(log.body);
  REQUIRE(entries.Size() == 2);
  CHECK(std::string(entries[0]["query"].GetString()) == "page=1");
  CHECK(std::string(entries[0]["prefix"].GetString()) == "capsule");
  CHECK(entries[1]["seq"].GetInt() == 2);
  CHECK(std::string(entries[1]["prefix"].GetString()) == "xero");
  REQUIRE(sandbox.send("DELETE", "/_admin/requests", "").status == 200);
  CHECK(json(sandbox.get("/_admin/requests").body).Size() == 0);
}

TEST_CASE("Capsule's hourly limit answers 429 and resets after a (compressed) hour") {
  SandboxFixture sandbox(R"({"capsule":{"tokens":["capsule-sandbox-token"],"rateLimitPerHour":3}})", 3600.0);
  for (int i = 0; i < 3; ++i) REQUIRE(sandbox.get("/capsule/api/v2/parties", kCapsule).status == 200);
  auto limited = sandbox.get("/capsule/api/v2/parties", kCapsule);
  CHECK(limited.status == 429);
  CHECK(limited.header("x-ratelimit-remaining") == "0");
  REQUIRE(sandbox.send("POST", "/_admin/time", R"({"advance_s":1})").status == 200);
  CHECK(sandbox.get("/capsule/api/v2/parties", kCapsule).status == 200);
}

TEST_CASE("Xero allows at most 5 concurrent calls per tenant") {
  SandboxFixture sandbox;
  auto headers = xero_headers(sandbox);
  REQUIRE(sandbox.send("DELETE", "/_admin/requests", "").status == 200);
  arm(sandbox, R"({"prefix":"/xero/api.xro/2.0/Contacts","kind":"delay","delay_ms":3000,"count":5})");
  std::vector<std::future<HttpResult>> slow;
  for (int i = 0; i < 5; ++i)
    slow.push_back(std::async(std::launch::async, [&] { return sandbox.get("/xero/api.xro/2.0/Contacts", headers); }));
  // Wait until the server has accepted all five (they are logged before their delay).
  while (json(sandbox.get("/_admin/requests").body).Size() < 5) std::this_thread::yield();
  auto sixth = sandbox.get("/xero/api.xro/2.0/Invoices", headers);
  CHECK(sixth.status == 429);
  CHECK(sixth.header("x-rate-limit-problem") == "concurrent");
  for (auto& f : slow) CHECK(f.get().status == 200);
  CHECK(sandbox.get("/xero/api.xro/2.0/Invoices", headers).status == 200);
}

TEST_CASE("HTTPS with the generated test CA") {
  auto ca = std::filesystem::temp_directory_path() / ("capsync-sandbox-ca-" + std::to_string(::getpid()) + ".pem");
  SandboxFixture sandbox(default_seed(), 1.0, true, ca.string());
  CHECK(sandbox.url.starts_with("https://127.0.0.1:"));
  CHECK(sandbox.ca_pem.find("BEGIN CERTIFICATE") != std::string::npos);
  CHECK(sandbox.get("/capsule/api/v2/parties", kCapsule).status == 200);
  // The certificate also names "localhost"; a bare root without /etc/hosts cannot resolve it.
  addrinfo* resolved = nullptr;
  if (::getaddrinfo("localhost", nullptr, nullptr, &resolved) == 0) {
    ::freeaddrinfo(resolved);
    auto localhost = sandbox.url;
    localhost.replace(localhost.find("127.0.0.1"), 9, "localhost");
    CHECK(http_call(localhost, {"GET", "/_admin/state", {}, {}}, sandbox.ca_pem).status == 200);
  } else {
    WARN("localhost does not resolve on this machine; the certificate's DNS name was not tried");
  }
  auto untrusted = http_call(sandbox.url, {"GET", "/_admin/state", {}, {}}, "");
  CHECK(untrusted.status == 0);
  std::filesystem::remove(ca);
}

TEST_CASE("State can be replaced with a seed document and dumped") {
  SandboxFixture sandbox;
  REQUIRE(sandbox.send("POST", "/_admin/seed",
                       R"({"capsule":{"tokens":["t2"],"parties":[{"id":9,"type":"organisation","name":"Seeded"}]}})")
              .status == 200);
  CHECK(sandbox.get("/capsule/api/v2/parties", kCapsule).status == 401);
  auto state = json(sandbox.get("/_admin/state").body);
  REQUIRE(state["capsule"]["parties"].Size() == 1);
  CHECK(std::string(state["capsule"]["parties"][0]["name"].GetString()) == "Seeded");
  CHECK(state["xero"]["contacts"].IsArray() == false);  // no tenant seeded: no books
  CHECK(sandbox.send("POST", "/_admin/seed", "not json").status == 400);
}
