#include "daemon/admin_protocol.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

using namespace capsync;
using namespace capsync::daemon;

namespace {
ConnectionStatus connection(std::string name, std::string provider) {
  ConnectionStatus c;
  c.name = std::move(name);
  c.provider = std::move(provider);
  return c;
}
}  // namespace

TEST_CASE("admin: status request parses") {
  auto r = admin::parse_request(R"({"cmd":"status"})");
  REQUIRE(r.ok());
  CHECK(r->command == admin::Command::status);
}

TEST_CASE("admin: sync-now request carries its connection") {
  auto r = admin::parse_request(R"({"cmd":"sync-now","connection":"acme"})");
  REQUIRE(r.ok());
  CHECK(r->command == admin::Command::sync_now);
  CHECK(r->connection == "acme");
}

TEST_CASE("admin: sync-now without a connection is refused with a reason") {
  auto r = admin::parse_request(R"({"cmd":"sync-now"})");
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("connection"));
}

TEST_CASE("admin: malformed JSON, non-objects and unknown commands are refused") {
  CHECK_FALSE(admin::parse_request("{\"cmd\":").ok());
  CHECK_FALSE(admin::parse_request("[1,2]").ok());
  CHECK_FALSE(admin::parse_request(R"({"command":"status"})").ok());
  auto unknown = admin::parse_request(R"({"cmd":"explode"})");
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.error().message(), Catch::Contains("explode") && Catch::Contains("status, sync-now"));
}

TEST_CASE("admin: an oversized request is refused before parsing") {
  const std::string big = R"({"cmd":"status","pad":")" + std::string(admin::max_request_bytes, 'x') + "\"}";
  CHECK_FALSE(admin::parse_request(big).ok());
}

TEST_CASE("admin: requests round-trip through format_request") {
  admin::Request req{admin::Command::sync_now, "acme"};
  auto back = admin::parse_request(admin::format_request(req));
  REQUIRE(back.ok());
  CHECK(back->connection == "acme");
  CHECK(admin::format_request({admin::Command::status, ""}) == R"({"cmd":"status"})");
}

TEST_CASE("admin: error responses are JSON with ok=false and the message escaped") {
  rapidjson::Document doc;
  doc.Parse(admin::error_response("bad \"thing\"\n").c_str());
  REQUIRE(doc.IsObject());
  CHECK_FALSE(doc["ok"].GetBool());
  CHECK(std::string(doc["error"].GetString()) == "bad \"thing\"\n");
}

TEST_CASE("admin: status response lists connections, queue counts and last sync") {
  DaemonStatus s;
  s.queue.ready = 2;
  auto acme = connection("acme", "xero");
  acme.queue.ready = 2;
  acme.last_sync = LastSync{std::chrono::system_clock::time_point{}, false, "timeout"};
  s.connections.push_back(acme);
  auto beta = connection("beta", "sage");
  beta.enabled = false;
  s.connections.push_back(beta);
  rapidjson::Document doc;
  doc.Parse(admin::status_response(s).c_str());
  REQUIRE(doc.IsObject());
  CHECK(doc["ok"].GetBool());
  CHECK(doc["queue"]["ready"].GetInt64() == 2);
  const auto& conns = doc["connections"];
  REQUIRE(conns.Size() == 2);
  CHECK(std::string(conns[0]["name"].GetString()) == "acme");
  CHECK(conns[0]["queue"]["ready"].GetInt64() == 2);
  CHECK_FALSE(conns[0]["last_sync"]["ok"].GetBool());
  CHECK(std::string(conns[0]["last_sync"]["error"].GetString()) == "timeout");
  CHECK(conns[1]["last_sync"].IsNull());
  CHECK_FALSE(conns[1]["enabled"].GetBool());
}

TEST_CASE("admin: sync-now response names the job") {
  CHECK(admin::sync_now_response(17) == R"({"ok":true,"job":17})");
}

TEST_CASE("admin: R12 export carries its connection and a positive party id") {
  auto r = admin::parse_request(R"({"cmd":"export","connection":"acme","party_id":1234})");
  REQUIRE(r.ok());
  CHECK(r->command == admin::Command::export_party);
  CHECK(r->connection == "acme");
  CHECK(r->party_id == 1234);
  for (const char* bad :
       {R"({"cmd":"export","connection":"acme"})", R"({"cmd":"export","connection":"acme","party_id":0})",
        R"({"cmd":"export","connection":"acme","party_id":"12"})",
        R"({"cmd":"export","connection":"acme","party_id":1.5})", R"({"cmd":"export","party_id":12})"}) {
    INFO(bad);
    auto refused = admin::parse_request(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code() == Errc::invalid_argument);
  }
}

TEST_CASE("admin: R16 disable and enable need a connection") {
  auto d = admin::parse_request(R"({"cmd":"disable","connection":"acme"})");
  REQUIRE(d.ok());
  CHECK(d->command == admin::Command::disable);
  CHECK(d->connection == "acme");
  auto e = admin::parse_request(R"({"cmd":"enable","connection":"acme"})");
  REQUIRE(e.ok());
  CHECK(e->command == admin::Command::enable);
  auto missing = admin::parse_request(R"({"cmd":"disable"})");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message(), Catch::Contains("disable") && Catch::Contains("connection"));
}

TEST_CASE("admin: export, disable and enable requests round-trip through format_request") {
  for (auto command : {admin::Command::export_party, admin::Command::disable, admin::Command::enable}) {
    admin::Request req{command, "acme", command == admin::Command::export_party ? 77 : 0};
    auto back = admin::parse_request(admin::format_request(req));
    REQUIRE(back.ok());
    CHECK(back->command == command);
    CHECK(back->connection == "acme");
    CHECK(back->party_id == req.party_id);
  }
  CHECK(admin::format_request({admin::Command::export_party, "acme", 5}) ==
        R"({"cmd":"export","connection":"acme","party_id":5})");
}

TEST_CASE("admin: job and enable responses carry the jobs queued") {
  rapidjson::Document job;
  job.Parse(admin::job_response(42).c_str());
  CHECK(job["ok"].GetBool());
  CHECK(job["job"].GetInt64() == 42);
  rapidjson::Document enabled;
  enabled.Parse(admin::enable_response("disabled", {7, 8}).c_str());
  REQUIRE(enabled.IsObject());
  CHECK(enabled["ok"].GetBool());
  CHECK(std::string(enabled["was"].GetString()) == "disabled");
  REQUIRE(enabled["jobs"].Size() == 2);
  CHECK(enabled["jobs"][1].GetInt64() == 8);
}
