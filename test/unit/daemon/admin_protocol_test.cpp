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

TEST_CASE("admin: sync-now without a connection means every connection, --full a full reconcile") {
  auto r = admin::parse_request(R"({"cmd":"sync-now"})");
  REQUIRE(r.ok());
  CHECK(r->connection.empty());
  CHECK_FALSE(r->full);
  auto full = admin::parse_request(R"({"cmd":"sync-now","connection":"acme","full":true})");
  REQUIRE(full.ok());
  CHECK(full->full);
  CHECK(admin::format_request(*full) == R"({"cmd":"sync-now","connection":"acme","full":true})");
}

TEST_CASE("admin: malformed JSON, non-objects and unknown commands are refused") {
  CHECK_FALSE(admin::parse_request("{\"cmd\":").ok());
  CHECK_FALSE(admin::parse_request("[1,2]").ok());
  CHECK_FALSE(admin::parse_request(R"({"command":"status"})").ok());
  auto unknown = admin::parse_request(R"({"cmd":"explode"})");
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.error().message(), Catch::Contains("explode") && Catch::Contains("status, sync-now"));
}

TEST_CASE("admin: a request nested deeper than 64 levels is refused, however deep") {
  // As deep as fits in one request line: a recursive parse of it would exhaust the stack.
  const std::size_t depth = (admin::max_request_bytes - 32) / 2;
  const std::string deep = R"({"cmd":"status","x":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
  REQUIRE(deep.size() <= admin::max_request_bytes);
  auto r = admin::parse_request(deep);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("JSON nested deeper than 64 levels"));
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

TEST_CASE("admin: status response lists connections, queue counts and last sync with its start and end") {
  DaemonStatus s;
  s.queue.ready = 2;
  auto acme = connection("acme", "xero");
  acme.queue.ready = 2;
  const auto end = std::chrono::system_clock::time_point{} + std::chrono::seconds(90);
  acme.last_sync = LastSync{end, false, "timeout", end - std::chrono::seconds(30), "pull"};
  acme.sync_running_since = end + std::chrono::seconds(60);
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
  CHECK(std::string(conns[0]["last_sync"]["started_at"].GetString()) == "1970-01-01T00:01:00Z");
  CHECK(std::string(conns[0]["last_sync"]["at"].GetString()) == "1970-01-01T00:01:30Z");
  CHECK(std::string(conns[0]["sync_running_since"].GetString()) == "1970-01-01T00:02:30Z");
  CHECK(conns[1]["last_sync"].IsNull());
  CHECK(conns[1]["sync_running_since"].IsNull());
  CHECK_FALSE(conns[1]["enabled"].GetBool());
}

TEST_CASE("admin: status response says until when and by whose limit a connection is rate limited") {
  DaemonStatus s;
  auto acme = connection("acme", "xero");
  acme.rate_limited = RateLimitWait{std::chrono::system_clock::time_point{} + std::chrono::hours(1), "capsule"};
  s.connections.push_back(acme);
  s.connections.push_back(connection("beta", "sage"));
  rapidjson::Document doc;
  doc.Parse(admin::status_response(s).c_str());
  REQUIRE(doc.IsObject());
  const auto& conns = doc["connections"];
  REQUIRE(conns[0]["rate_limited"].IsObject());
  CHECK(std::string(conns[0]["rate_limited"]["until"].GetString()) == "1970-01-01T01:00:00Z");
  CHECK(std::string(conns[0]["rate_limited"]["provider"].GetString()) == "capsule");
  CHECK(conns[1]["rate_limited"].IsNull());
  CHECK_THAT(std::string(doc["status"].GetString()), Catch::Contains("acme rate limited until"));
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

TEST_CASE("admin: jobs, job and retry requests parse and round-trip") {
  auto jobs = admin::parse_request(R"({"cmd":"jobs","connection":"acme","dead":true})");
  REQUIRE(jobs.ok());
  CHECK(jobs->command == admin::Command::jobs);
  CHECK(jobs->connection == "acme");
  CHECK(jobs->dead);
  auto all = admin::parse_request(R"({"cmd":"jobs"})");
  REQUIRE(all.ok());
  CHECK_FALSE(all->dead);
  CHECK(all->connection.empty());

  auto show = admin::parse_request(R"({"cmd":"job","id":17})");
  REQUIRE(show.ok());
  CHECK(show->command == admin::Command::job);
  CHECK(show->id == 17);
  for (const char* bad : {R"({"cmd":"job"})", R"({"cmd":"job","id":0})", R"({"cmd":"job","id":"17"})",
                          R"({"cmd":"retry"})", R"({"cmd":"job","all_dead":true})"}) {
    INFO(bad);
    auto refused = admin::parse_request(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.error().message(), Catch::Contains("\"id\""));
  }

  admin::Request retry_all;
  retry_all.command = admin::Command::retry;
  retry_all.all_dead = true;
  CHECK(admin::format_request(retry_all) == R"({"cmd":"retry","all_dead":true})");
  auto back = admin::parse_request(admin::format_request(retry_all));
  REQUIRE(back.ok());
  CHECK(back->all_dead);
  CHECK(back->id == 0);
}

TEST_CASE("admin: R17 conflicts and resolve requests, and resolve takes exactly one of link and ignore") {
  auto list = admin::parse_request(R"({"cmd":"conflicts","connection":"acme"})");
  REQUIRE(list.ok());
  CHECK(list->command == admin::Command::conflicts);
  CHECK(list->connection == "acme");

  auto link = admin::parse_request(R"({"cmd":"resolve","id":3,"link":11})");
  REQUIRE(link.ok());
  CHECK(link->command == admin::Command::resolve);
  CHECK(link->id == 3);
  CHECK(link->link == 11);
  CHECK_FALSE(link->ignore);
  auto ignore = admin::parse_request(R"({"cmd":"resolve","id":3,"ignore":true})");
  REQUIRE(ignore.ok());
  CHECK(ignore->ignore);
  CHECK(admin::format_request(*ignore) == R"({"cmd":"resolve","id":3,"ignore":true})");
  for (const char* bad : {R"({"cmd":"resolve","id":3})", R"({"cmd":"resolve","id":3,"link":11,"ignore":true})",
                          R"({"cmd":"resolve","id":3,"link":-1})"}) {
    INFO(bad);
    auto refused = admin::parse_request(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.error().message(), Catch::Contains("link") && Catch::Contains("ignore"));
  }
}

TEST_CASE("admin: jobs response carries state, attempts, times and the last error only when there is one") {
  queue::Job dead;
  dead.id = 9;
  dead.kind = "pull";
  dead.connection = "acme";
  dead.state = queue::JobState::dead;
  dead.attempts = 8;
  dead.max_attempts = 8;
  dead.created_at_ms = 1'714'560'000'000;
  dead.run_after_ms = 1'714'560'000'000;
  dead.finished_at_ms = 1'714'560'127'000;
  dead.last_error = "xero: 500 \"oops\"";
  queue::Job ready;
  ready.id = 10;
  ready.kind = "capsule_poll";
  ready.connection = "acme";
  rapidjson::Document doc;
  doc.Parse(admin::jobs_response({dead, ready}).c_str());
  REQUIRE(doc.IsObject());
  REQUIRE(doc["jobs"].Size() == 2);
  const auto& j = doc["jobs"][0];
  CHECK(j["id"].GetInt64() == 9);
  CHECK(std::string(j["state"].GetString()) == "dead");
  CHECK(j["attempts"].GetInt() == 8);
  CHECK(std::string(j["created_at"].GetString()) == "2024-05-01T10:40:00Z");
  CHECK(std::string(j["finished_at"].GetString()) == "2024-05-01T10:42:07Z");
  CHECK(std::string(j["last_error"].GetString()) == "xero: 500 \"oops\"");
  CHECK(std::string(doc["jobs"][1]["state"].GetString()) == "ready");
  CHECK_FALSE(doc["jobs"][1].HasMember("last_error"));
  CHECK_FALSE(doc["jobs"][1].HasMember("finished_at"));
  CHECK(admin::retry_response(3) == R"({"ok":true,"retried":3})");
}

TEST_CASE("admin: R17 conflicts response puts both sides' ids and names side by side") {
  admin::ConflictView c;
  c.id = 3;
  c.connection = "acme";
  c.kind = "ambiguous_match";
  c.capsule_ids = {"21", "22"};
  c.capsule_names = {"Sam Smith", ""};
  c.remote_id = "c-1";
  c.remote_name = "Sam Smith";
  c.detail = "Ambiguous match: rename one";
  rapidjson::Document doc;
  doc.Parse(admin::conflicts_response({c}).c_str());
  REQUIRE(doc.IsObject());
  REQUIRE(doc["conflicts"].Size() == 1);
  const auto& v = doc["conflicts"][0];
  CHECK(v["id"].GetInt64() == 3);
  CHECK(std::string(v["capsule_ids"][1].GetString()) == "22");
  CHECK(std::string(v["capsule_names"][0].GetString()) == "Sam Smith");
  CHECK(std::string(v["capsule_names"][1].GetString()).empty());
  CHECK(std::string(v["remote_name"].GetString()) == "Sam Smith");
  CHECK(std::string(v["created_at"].GetString()) == "1970-01-01T00:00:00Z");
  CHECK(admin::resolve_response("linked") == R"({"ok":true,"resolution":"linked"})");
}

TEST_CASE("admin: sync-now of several connections names the first job and all of them") {
  rapidjson::Document doc;
  doc.Parse(admin::sync_now_response(std::vector<std::int64_t>{4, 5}).c_str());
  REQUIRE(doc.IsObject());
  CHECK(doc["job"].GetInt64() == 4);
  REQUIRE(doc["jobs"].Size() == 2);
  CHECK(doc["jobs"][1].GetInt64() == 5);
}

TEST_CASE("admin: status response adds authorization, counts, next sync and budgets to each connection") {
  DaemonStatus s;
  s.connections.push_back(connection("acme", "xero"));
  ConnectionReport r;
  r.auth = "needs_authorization";
  r.linked = 40;
  r.created = 3;
  r.conflicts = 1;
  r.next_sync = std::chrono::system_clock::time_point(std::chrono::seconds(1'714'560'127));
  r.budgets.push_back(BudgetLeft{"xero", "minute", 60, 57, r.next_sync});
  r.budgets.push_back(BudgetLeft{"xero", "day", 5000, 5000, std::nullopt});
  rapidjson::Document doc;
  doc.Parse(admin::status_response(s, {r}).c_str());
  REQUIRE(doc.IsObject());
  const auto& c = doc["connections"][0];
  CHECK(std::string(c["name"].GetString()) == "acme");  // existing members stay
  CHECK(c["queue"].IsObject());
  CHECK(std::string(c["auth"].GetString()) == "needs_authorization");
  CHECK(c["counts"]["linked"].GetInt64() == 40);
  CHECK(c["counts"]["created"].GetInt64() == 3);
  CHECK(c["counts"]["conflicts"].GetInt64() == 1);
  CHECK(std::string(c["next_sync"].GetString()) == "2024-05-01T10:42:07Z");
  REQUIRE(c["rate_limits"].Size() == 2);
  CHECK(c["rate_limits"][0]["left"].GetInt64() == 57);
  CHECK(std::string(c["rate_limits"][0]["resets_at"].GetString()) == "2024-05-01T10:42:07Z");
  CHECK(c["rate_limits"][1]["resets_at"].IsNull());

  rapidjson::Document plain;
  plain.Parse(admin::status_response(s).c_str());
  CHECK_FALSE(plain["connections"][0].HasMember("auth"));
}

TEST_CASE("admin: status shows a running sync's progress and ETA, and null when none runs (issue 22)") {
  DaemonStatus s;
  s.connections.push_back(connection("acme", "xero"));
  s.connections.push_back(connection("beta", "xero"));
  engine::SyncProgress p;
  p.phase = engine::SyncPhase::writing_capsule;
  p.done = 4'210;
  p.total = 10'000;
  p.writes_done = 4'210;
  p.writes_planned = 10'000;
  p.started_ms = 1'714'560'127'000;
  s.connections[0].progress = p;
  s.connections[0].eta = engine::Eta{5'211, "Capsule allows 4,000 requests per hour, 5,790 writes left"};
  rapidjson::Document doc;
  doc.Parse(admin::status_response(s).c_str());
  REQUIRE(doc.IsObject());
  const auto& progress = doc["connections"][0]["progress"];
  REQUIRE(progress.IsObject());
  CHECK(std::string(progress["phase"].GetString()) == "writing_capsule");
  CHECK(progress["done"].GetInt64() == 4'210);
  CHECK(progress["total"].GetInt64() == 10'000);
  CHECK(progress["writes_planned"].GetInt64() == 10'000);
  CHECK(std::string(progress["started_at"].GetString()) == "2024-05-01T10:42:07Z");
  CHECK_FALSE(progress["resumed"].GetBool());
  CHECK(progress["eta_seconds"].GetInt64() == 5'211);
  CHECK(std::string(progress["eta_reason"].GetString()).starts_with("Capsule allows 4,000 requests per hour"));
  CHECK(std::string(progress["summary"].GetString()) ==
        "writing to Capsule 4,210 of 10,000 contacts, 4,210 of 10,000 writes");
  CHECK(doc["connections"][1]["progress"].IsNull());
}

TEST_CASE("admin: status carries each connection's webhook subscriptions, null while nothing is known") {
  DaemonStatus s;
  s.connections.push_back(connection("acme", "xero"));
  s.connections.push_back(connection("beta", "xero"));
  ConnectionReport full;
  full.webhooks = {"slots_full", "Capsule hook slots full: party/deleted not subscribed"};
  rapidjson::Document doc;
  doc.Parse(admin::status_response(s, {full, ConnectionReport{}}).c_str());
  REQUIRE(doc.IsObject());
  const auto& acme = doc["connections"][0]["webhooks"];
  REQUIRE(acme.IsObject());
  CHECK(std::string(acme["state"].GetString()) == "slots_full");
  CHECK(std::string(acme["detail"].GetString()) == "Capsule hook slots full: party/deleted not subscribed");
  CHECK(doc["connections"][1]["webhooks"].IsNull());
}
