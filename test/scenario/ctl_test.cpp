// capsyncctl against a running capsyncd and the sandbox: every operator command, in human and
// --json output, and the errors a person can act on.

#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

rapidjson::Document parse_json(const RunResult& r) {
  rapidjson::Document doc;
  doc.Parse(r.output.c_str());
  INFO(r.output);
  REQUIRE((!doc.HasParseError() && doc.IsObject()));
  return doc;
}

// Two Capsule people share the name of one Xero contact: an ambiguous match (R2, R17).
Seed ambiguous_seed() {
  Seed seed;
  seed.party(person(21, "Sam", "Smith"))
      .party(person(22, "Sam", "Smith"))
      .party(organisation(31, "Fine Ltd"))
      .contact(xero_contact("c-1", "Sam Smith", R"("FirstName":"Sam","LastName":"Smith")"))
      .contact(xero_contact("c-2", "Fine Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10))
      .invoice(xero_invoice("c-2", "INV-2", "20.00", 10));
  return seed;
}

std::int64_t only_conflict_id(SyncWorld& world) {
  const auto listed = world.ctl({"--json", "conflicts"});
  auto doc = parse_json(listed);
  REQUIRE(doc["conflicts"].Size() == 1);
  return doc["conflicts"][0]["id"].GetInt64();
}

}  // namespace

TEST_CASE("capsyncctl errors say what to do: daemon not running, unknown connection, permission denied") {
  SyncWorld world(ambiguous_seed());

  const auto down = world.ctl({"status"});
  CHECK(down.exit_code == 3);
  CHECK(contains(down.output, "capsyncd is not running"));
  CHECK(contains(down.output, "systemctl start capsync"));

  world.start_daemon();
  const auto unknown = world.ctl({"sync-now", "acme2"});
  CHECK(unknown.exit_code == 1);
  CHECK(contains(unknown.output, "unknown connection \"acme2\" (known: acme)"));
  const auto unknown_jobs = world.ctl({"jobs", "--connection", "acme2"});
  CHECK(contains(unknown_jobs.output, "(known: acme)"));
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"conflicts", "acme2"}, {"enable", "acme2"}, {"disable", "acme2", "--yes"}, {"export", "acme2", "21", "--yes"}}) {
    const auto refused = world.ctl(args);
    INFO(args.front() << ": " << refused.output);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.output, "unknown connection \"acme2\" (known: acme)"));
  }

  // Global options after the subcommand, and the socket path read from --config.
  const auto after = run(CAPSYNCCTL_PATH, {"status", "--json", "--config", world.config_path().string()});
  INFO(after.output);
  CHECK(after.exit_code == 0);
  CHECK(parse_json(after)["ok"].GetBool());

  // A user who is neither root, the daemon's user nor in the admin group: the socket's mode
  // (and, behind it, SO_PEERCRED) refuses them.
  if (geteuid() == 0) {
    ::chmod(world.dir().path().c_str(), 0755);
    const auto refused = run("/usr/bin/setpriv", {"--reuid=65534", "--regid=65534", "--clear-groups", CAPSYNCCTL_PATH,
                                                  "--socket", (world.dir() / "admin.sock").string(), "status"});
    INFO(refused.output);
    CHECK(refused.exit_code == 4);
    CHECK(contains(refused.output, "permission denied"));
    CHECK(contains(refused.output, "run as root"));

    // Even with the mode loosened by mistake, the daemon's SO_PEERCRED check refuses them.
    ::chmod((world.dir() / "admin.sock").c_str(), 0666);
    const auto peer = run("/usr/bin/setpriv", {"--reuid=65534", "--regid=65534", "--clear-groups", CAPSYNCCTL_PATH,
                                               "--socket", (world.dir() / "admin.sock").string(), "status"});
    INFO(peer.output);
    CHECK(peer.exit_code == 4);
    CHECK(contains(peer.output, "may not use the capsync admin socket"));
    // The refusal really was for another user: the daemon saw uid 65534 on the socket.
    CHECK(contains(world.daemon_log(), "Refused admin socket peer uid=65534"));
  } else {
    WARN("not root: cannot run capsyncctl as another user, the permission check is not exercised");
  }
}

TEST_CASE("R17 capsyncctl conflicts shows both sides by id and name, and resolve --link makes the link a binding") {
  SyncWorld world(ambiguous_seed());
  world.start_daemon();

  const auto human = world.ctl({"conflicts"});
  INFO(human.output);
  CHECK(human.exit_code == 0);
  CHECK(contains(human.output, "ambiguous_match"));
  CHECK(contains(human.output, "accounting contact  c-1          Sam Smith"));
  CHECK(contains(human.output, "Capsule party       21           Sam Smith"));
  CHECK(contains(human.output, "Capsule party       22           Sam Smith"));
  CHECK(contains(human.output, "capsyncctl conflicts resolve"));

  const auto json = world.ctl({"conflicts", "acme", "--json"});
  auto doc = parse_json(json);
  REQUIRE(doc["conflicts"].Size() == 1);
  const auto& c = doc["conflicts"][0];
  CHECK(std::string(c["kind"].GetString()) == "ambiguous_match");
  CHECK(std::string(c["remote_id"].GetString()) == "c-1");
  CHECK(std::string(c["remote_name"].GetString()) == "Sam Smith");
  REQUIRE(c["capsule_ids"].Size() == 2);
  CHECK(std::string(c["capsule_ids"][0].GetString()) == "21");
  CHECK(std::string(c["capsule_names"][1].GetString()) == "Sam Smith");
  CHECK(contains(c["detail"].GetString(), "Sam Smith"));
  const std::int64_t id = c["id"].GetInt64();

  const auto bad = world.ctl({"conflicts", "resolve", std::to_string(id), "--link", "999"});
  CHECK(bad.exit_code == 1);
  CHECK(contains(bad.output, "has not seen Capsule party 999"));

  const auto linked = world.ctl({"conflicts", "resolve", std::to_string(id), "--link", "21"});
  INFO(linked.output);
  CHECK(linked.exit_code == 0);
  CHECK(contains(linked.output, "Capsule party 21 is linked"));
  CHECK(world.binding_of_contact("c-1") == "21");
  world.wait_settled();
  world.sync();
  CHECK(parse_json(world.ctl({"--json", "conflicts"}))["conflicts"].Size() == 0);
  const auto state = world.state();
  const auto* party = state.party(21);
  REQUIRE(party);
  CHECK(SandboxState::field(*party, "Outstanding"));  // the link now carries R6's summary
  CHECK_FALSE(SandboxState::field(*state.party(22), "Outstanding"));
}

TEST_CASE("R17 conflicts resolve --ignore hides it and a full sync does not report it again") {
  SyncWorld world(ambiguous_seed());
  world.start_daemon();
  const std::int64_t id = only_conflict_id(world);

  const auto ignored = world.ctl({"--json", "conflicts", "resolve", std::to_string(id), "--ignore"});
  CHECK(std::string(parse_json(ignored)["resolution"].GetString()) == "ignored");
  const auto again = world.ctl({"conflicts", "resolve", std::to_string(id), "--ignore"});
  CHECK(again.exit_code == 1);
  CHECK(contains(again.output, "no open conflict"));

  // sync-now --full --wait follows a full reconcile to its end.
  const auto full = world.ctl({"sync-now", "acme", "--full", "--wait"});
  INFO(full.output);
  CHECK(full.exit_code == 0);
  CHECK(contains(full.output, "Enqueued full sync of acme"));
  CHECK(contains(full.output, "full_reconcile on acme: done"));

  CHECK(contains(world.ctl({"conflicts"}).output, "No open conflicts"));
  const auto rows = world.conflicts();
  REQUIRE(rows.size() == 1);
  CHECK_FALSE(rows[0].open);
  CHECK_FALSE(world.binding_of_contact("c-1"));
}

TEST_CASE("capsyncctl jobs: a failed sync-now --wait exits 1, jobs --dead and show give the error, retry runs it") {
  WorldOptions options;
  options.extra_yaml = "queue:\n  max_attempts: 1\n";
  SyncWorld world(ambiguous_seed(), options);
  world.start_daemon();

  world.admin("POST", "/_admin/faults",
              R"({"prefix":"/xero/api.xro/2.0/Contacts","method":"GET","kind":"status","status":500,"count":1000})");
  const auto failed = world.ctl({"sync-now", "--wait"});
  INFO(failed.output);
  CHECK(failed.exit_code == 1);
  CHECK(contains(failed.output, "pull on acme: dead"));
  CHECK(contains(failed.output, "failed:"));

  const auto dead = world.ctl({"--json", "jobs", "--dead", "--connection", "acme"});
  auto doc = parse_json(dead);
  REQUIRE(doc["jobs"].Size() == 1);
  const std::int64_t id = doc["jobs"][0]["id"].GetInt64();
  CHECK(std::string(doc["jobs"][0]["state"].GetString()) == "dead");
  CHECK(doc["jobs"][0].HasMember("last_error"));
  CHECK(contains(world.ctl({"jobs"}).output, "last error:"));

  const auto shown = world.ctl({"jobs", "show", std::to_string(id)});
  INFO(shown.output);
  CHECK(contains(shown.output, "state:      dead"));
  CHECK(contains(shown.output, "capsyncctl jobs retry " + std::to_string(id)));
  CHECK_FALSE(contains(shown.output, "last error: none"));

  const auto not_dead = world.ctl({"jobs", "retry", "1"});
  CHECK(not_dead.exit_code == 1);
  CHECK(contains(not_dead.output, "only dead jobs are retried"));

  world.admin("DELETE", "/_admin/faults");
  const auto retried = world.ctl({"jobs", "retry", std::to_string(id)});
  INFO(retried.output);
  CHECK(contains(retried.output, "1 dead job back in the queue"));
  world.wait_settled({id});
  CHECK(parse_json(world.ctl({"--json", "jobs", "--dead"}))["jobs"].Size() == 0);
  CHECK(contains(world.ctl({"jobs", "retry", "--all-dead"}).output, "0 dead jobs back in the queue"));
}

TEST_CASE("capsyncctl status: per connection authorization, last sync start and end, links, conflicts, next sync and "
          "requests left") {
  SyncWorld world(ambiguous_seed());
  world.start_daemon();

  // No restart: status saves the limiters' budgets before it reads them, so they are current.
  const auto json = world.ctl({"--json", "status"});
  INFO(json.output);
  auto doc = parse_json(json);
  REQUIRE(doc["connections"].Size() == 1);
  const auto& c = doc["connections"][0];
  // The fields scripts already read stay as they were.
  CHECK(c["last_sync"]["ok"].GetBool());
  REQUIRE(c["last_sync"]["started_at"].IsString());
  CHECK(std::string(c["last_sync"]["started_at"].GetString()) <= std::string(c["last_sync"]["at"].GetString()));
  CHECK(c["sync_running_since"].IsNull());
  CHECK(c["queue"]["ready"].GetInt64() == 0);
  CHECK(std::string(c["provider"].GetString()) == "xero");
  CHECK(std::string(c["auth"].GetString()) == "ok");
  CHECK(std::string(c["capsule_auth"].GetString()) == "ok");
  CHECK(c["counts"]["linked"].GetInt64() == 1);  // Fine Ltd; Sam Smith is ambiguous
  CHECK(c["counts"]["created"].GetInt64() == 0);
  CHECK(c["counts"]["conflicts"].GetInt64() == 1);
  CHECK(c["next_sync"].IsString());
  bool xero_day_used = false;
  for (const auto& b : c["rate_limits"].GetArray()) {
    CHECK(b["left"].GetInt64() <= b["limit"].GetInt64());
    if (std::string(b["provider"].GetString()) == "xero" && std::string(b["window"].GetString()) == "day")
      xero_day_used = b["left"].GetInt64() < b["limit"].GetInt64() && b["resets_at"].IsString();
  }
  CHECK(xero_day_used);  // the minute window may have slid by at the sandbox time scale

  const auto human = world.ctl({"status"});
  INFO(human.output);
  CHECK(human.exit_code == 0);
  CHECK(contains(human.output, "acme (xero)"));
  REQUIRE(c["last_sync"]["kind"].IsString());
  CHECK(contains(human.output, "; last sync (" + std::string(c["last_sync"]["kind"].GetString()) + ") started " +
                                   std::string(c["last_sync"]["started_at"].GetString()) +
                                   ", ended " + c["last_sync"]["at"].GetString() + " ok"));
  CHECK(contains(human.output,
                 "authorization: capsule ok, xero ok; 1 linked (0 created by capsync), 1 open conflict; next sync"));
  CHECK(contains(human.output, "requests left: capsule"));
  CHECK(contains(human.output, "/5000 per day (resets "));
}

TEST_CASE("capsyncctl names the command that fixes a connection needing authorization") {
  SyncWorld world(ambiguous_seed());
  world.admin("POST", "/_admin/faults",
              R"({"prefix":"/xero-identity/connect/token","kind":"invalid_grant","count":1000})");
  world.start_daemon(false);
  const bool refused = wait_until(
      [&] {
        const auto r = world.ctl({"--json", "status"});
        return r.exit_code == 0 && contains(r.output, R"("auth":"needs_authorization")");
      },
      30s);
  REQUIRE(refused);

  const auto human = world.ctl({"status"});
  INFO(human.output);
  CHECK(contains(human.output, ", xero needs authorization (run `capsyncctl connect acme`"));
  const auto sync = world.ctl({"sync-now", "acme"});
  INFO(sync.output);
  CHECK(sync.exit_code == 1);
  CHECK(contains(sync.output, "needs authorization"));
  CHECK(contains(sync.output, "capsyncctl connect acme"));
}

TEST_CASE("capsyncctl sync-now --wait on a pipe prints a plain progress line per phase, without redraws") {
  SyncWorld world(ambiguous_seed());
  world.start_daemon();
  // Each listing answers 1.5 s late, so each reading phase outlasts several of --wait's polls.
  for (const char* prefix : {"/capsule/api/v2/parties", "/xero/api.xro/2.0/Contacts"})
    REQUIRE(world.admin("POST", "/_admin/faults",
                        fmt::format(R"({{"prefix":"{}","method":"GET","kind":"delay","delay_ms":1500}})", prefix))
                .status == 200);
  const auto waited = world.ctl({"sync-now", "acme", "--full", "--wait"});
  INFO(waited.output);
  CHECK(waited.exit_code == 0);
  CHECK(contains(waited.output, "\nacme: reading Capsule: "));
  CHECK(contains(waited.output, "\nacme: reading Xero: "));
  CHECK(contains(waited.output, "full_reconcile on acme: done"));
  // A pipe gets whole lines: no carriage return, no terminal escapes, no phase twice.
  CHECK_FALSE(contains(waited.output, "\r"));
  CHECK_FALSE(contains(waited.output, "\033"));
  std::size_t reading_capsule = 0;
  for (std::size_t at = waited.output.find("acme: reading Capsule"); at != std::string::npos;
       at = waited.output.find("acme: reading Capsule", at + 1))
    ++reading_capsule;
  CHECK(reading_capsule == 1);
}
