// The sync engine over the live connectors against capsync-sandbox: what an incremental read
// costs when nothing changed (design §3: ">= the cursor, drop what was already seen"), and
// what the initial sync writes to Capsule (one write per party, plus its note).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "connectors/registry/live_connectors.hpp"
#include "core/engine/sync_engine.hpp"
#include "core/http/client.hpp"
#include "core/queue/job_queue.hpp"
#include "core/store/database.hpp"
#include "test/unit/http/sandbox_process.hpp"
#include "test/unit/store/temp_dir.hpp"
#include "connectors/registry/registry.hpp"

using namespace capsync;
namespace asio = boost::asio;

namespace {

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

template <typename T>
asio::awaitable<void> store_in(std::optional<T>& out, asio::awaitable<T> work) {
  out.emplace(co_await std::move(work));
}

template <typename T>
T run(asio::io_context& io, asio::awaitable<T> work) {
  std::optional<T> result;
  asio::co_spawn(io, store_in(result, std::move(work)), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.restart();
  io.run();
  REQUIRE(result.has_value());
  return std::move(*result);
}

struct SandboxSync {
  test::TempDir dir;
  std::string seed_path = dir.file("seed.json");
  rapidjson::Document seed;
  std::unique_ptr<test::SandboxProcess> sandbox;
  asio::io_context io;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<queue::JobQueue> jobs;
  config::ConnectionConfig connection;
  std::unique_ptr<registry::LiveConnectors> connectors;
  std::unique_ptr<engine::SyncEngine> engine;
  http::Client admin{io.get_executor(), {}};

  explicit SandboxSync(int parties = 40, int contacts = 40, int invoices = 90) {
    const std::string generate =
        test::sandbox_path() +
        fmt::format(" generate --seed 11 --parties {} --contacts {} --invoices {} > ", parties, contacts, invoices) +
        seed_path;
    REQUIRE(std::system(generate.c_str()) == 0);
    std::ifstream in(seed_path);
    std::stringstream text;
    text << in.rdbuf();
    seed.Parse(text.str().c_str());
    REQUIRE_FALSE(seed.HasParseError());
    sandbox = std::make_unique<test::SandboxProcess>(std::vector<std::string>{"--seed", seed_path});
    const std::string base = sandbox->base_url();

    connection.name = "acme";
    connection.time_zone = "Europe/London";
    connection.capsule.base_url = base + "/capsule";
    connection.capsule.token = Secret(seed["capsule"]["tokens"][0].GetString());
    connection.accounting.provider = registry::find("xero").value()->traits;
    connection.accounting.base_url = base + "/xero";
    connection.accounting.token_url = base + "/xero-identity/connect/token";
    connection.accounting.authorize_url = base + "/xero-login/identity/connect/authorize";
    connection.accounting.client_id = seed["xero"]["clients"][0]["client_id"].GetString();
    connection.accounting.client_secret = Secret(seed["xero"]["clients"][0]["client_secret"].GetString());
    connection.accounting.refresh_token = Secret(seed["xero"]["refreshTokens"][0]["token"].GetString());

    db = store::Database::open(dir.file("capsync.db"), {}).value();
    jobs = std::make_unique<queue::JobQueue>(*db);
    start();
  }
  ~SandboxSync() { stop(); }

  // What capsyncd builds at start-up over the state database, and drops at exit.
  void start() {
    connectors = std::make_unique<registry::LiveConnectors>(io.get_executor(), *db, "");
    engine::EngineOptions options;
    options.find_connection = [this](std::string_view name) -> const config::ConnectionConfig* {
      return name == connection.name ? &connection : nullptr;
    };
    options.enqueue = [this](queue::JobSpec spec) { return jobs->enqueue(spec, unix_ms()); };
    engine = engine::SyncEngine::create(io.get_executor(), *db, *connectors, std::move(options)).value();
  }
  void stop() {
    engine.reset();
    connectors.reset();
  }

  queue::Job job(std::string kind, std::string payload = {}) {
    queue::Job j;
    j.id = 1;
    j.kind = std::move(kind);
    j.connection = connection.name;
    j.payload = std::move(payload);
    return j;
  }
  void require_ok(const Status& s) {
    INFO((s.ok() ? std::string() : s.error().message()));
    REQUIRE(s.ok());
  }
  void pull() { require_ok(run(io, engine->pull(job("pull")))); }
  void poll() { require_ok(run(io, engine->capsule_poll(job("capsule_poll")))); }
  void run_pushes() {
    for (;;) {
      auto claimed = jobs->claim("test", unix_ms(), 60'000);
      REQUIRE(claimed.ok());
      if (!*claimed) return;
      require_ok(run(io, engine->push(**claimed)));
      REQUIRE(jobs->complete((*claimed)->id, "test", unix_ms()).ok());
    }
  }

  http::Response admin_call(http::Method method, std::string path, std::string body = {}) {
    http::Request r;
    r.method = method;
    r.url = sandbox->base_url() + path;
    r.body = std::move(body);
    r.content_type = "application/json";
    auto response = run(io, admin.send(std::move(r)));
    REQUIRE(response.ok());
    REQUIRE(response->status / 100 == 2);
    return std::move(*response);
  }
  void clear_requests() { admin_call(http::Method::del, "/_admin/requests"); }
  // "GET /capsule/api/v2/parties 200" per request the sandbox served since the last clear.
  std::vector<std::string> requests() {
    std::vector<std::string> out;
    for (const auto& r : request_log()) out.push_back(fmt::format("{} {} {}", r.method, r.path, r.status));
    return out;
  }
  struct Served {
    std::string method, path;
    int status = 0;
  };
  // The Capsule ids of the linked parties capsync created (or linked, when `created` is false).
  std::set<std::string> bound_parties(bool created) {
    auto st = db->prepare("SELECT capsule_id FROM bindings WHERE created_by_us = ?1");
    REQUIRE(st.ok());
    st->bind(1, created ? 1 : 0);
    std::set<std::string> out;
    for (;;) {
      auto row = st->step();
      REQUIRE(row.ok());
      if (!*row) return out;
      out.insert(std::string(st->column_text(0)));
    }
  }
  std::vector<Served> request_log() {
    auto response = admin_call(http::Method::get, "/_admin/requests");
    rapidjson::Document list;
    list.Parse(response.body.c_str());
    REQUIRE(list.IsArray());
    std::vector<Served> out;
    for (const auto& r : list.GetArray())
      out.push_back({r["method"].GetString(), r["path"].GetString(), r["status"].GetInt()});
    return out;
  }

  std::int64_t budget_used(std::string_view provider, std::string_view window) {
    auto st = db->prepare("SELECT used FROM rate_budget WHERE connection = ?1 AND provider = ?2 AND window = ?3");
    REQUIRE(st.ok());
    st->bind(1, connection.name).bind(2, provider).bind(3, window);
    auto row = st->step();
    REQUIRE(row.ok());
    return *row ? st->column_int64(0) : -1;
  }

  // Every row the sync keeps (not the rate budgets or tokens), to prove a pass wrote nothing.
  std::string sync_state() {
    std::string out;
    for (std::string_view table : {"bindings", "cursors", "invoices", "conflicts", "jobs", "engine_parties",
                                   "engine_contacts", "engine_conflict_keys", "engine_notes"}) {
      auto st = db->prepare(fmt::format("SELECT * FROM {} ORDER BY rowid", table));
      REQUIRE(st.ok());
      out += fmt::format("[{}]", table);
      for (;;) {
        auto row = st->step();
        REQUIRE(row.ok());
        if (!*row) break;
        for (int c = 0; c < st->column_count(); ++c) out += fmt::format("{}|", st->column_text(c));
        out += '\n';
      }
    }
    return out;
  }
  // Syncs until the echoes of capsync's own writes were read back.
  void settle() {
    for (int i = 0; i < 2; ++i) {
      pull();
      run_pushes();
      poll();
      run_pushes();
    }
  }
};

}  // namespace

TEST_CASE("R5 a Capsule poll where nothing changed costs one request and writes nothing") {
  if (test::sandbox_path().empty()) {
    WARN("capsync-sandbox is not part of this build");
    return;
  }
  SandboxSync s;
  s.settle();
  REQUIRE(s.db->prepare("SELECT 1 FROM bindings").value().step().value());  // the first sync linked contacts

  const std::string before = s.sync_state();
  s.clear_requests();
  s.poll();
  CHECK(s.requests() == std::vector<std::string>{"GET /capsule/api/v2/parties 200"});
  CHECK(s.sync_state() == before);
}

TEST_CASE("R5 an incremental pull where nothing changed reads each resource once and writes nothing") {
  if (test::sandbox_path().empty()) {
    WARN("capsync-sandbox is not part of this build");
    return;
  }
  SandboxSync s;
  s.settle();

  const std::string before = s.sync_state();
  s.clear_requests();
  s.pull();
  auto seen = s.requests();
  std::sort(seen.begin(), seen.end());
  CHECK(seen == std::vector<std::string>{"GET /capsule/api/v2/parties 200", "GET /capsule/api/v2/parties/deleted 200",
                                         "GET /xero/api.xro/2.0/Contacts 200", "GET /xero/api.xro/2.0/Invoices 200",
                                         "GET /xero/api.xro/2.0/Quotes 200"});  // R18: quotes like invoices
  CHECK(s.sync_state() == before);
}

TEST_CASE("Every provider request passes its rate limiter, and tokens and budgets survive a restart") {
  if (test::sandbox_path().empty()) {
    WARN("capsync-sandbox is not part of this build");
    return;
  }
  SandboxSync s;
  s.pull();
  s.run_pushes();
  s.stop();  // the limiters save their budgets as the daemon exits

  // The budgets hold exactly the API requests the sandbox served (the token endpoint is not
  // rate limited), so none bypassed its limiter.
  int capsule = 0, xero = 0, refreshes = 0;
  for (const auto& r : s.request_log()) {
    if (r.path.starts_with("/capsule/")) ++capsule;
    else if (r.path.starts_with("/xero-identity/")) ++refreshes;
    else if (r.path.starts_with("/xero/")) ++xero;
  }
  CHECK(capsule > 0);
  CHECK(s.budget_used("capsule", "hour") == capsule);
  CHECK(s.budget_used("xero", "minute") == xero);
  CHECK(s.budget_used("xero", "day") == xero);
  CHECK(refreshes == 1);

  // The refresh rotated the configured token; an hour later its grace is over and the sandbox
  // refuses it (invalid_grant). After a restart the stored token is used: syncing goes on.
  s.admin_call(http::Method::post, "/_admin/time", R"({"advance_s":3600})");
  s.clear_requests();
  s.start();
  s.pull();
  int refused = 0;
  for (const auto& r : s.request_log()) refused += r.path.starts_with("/xero-identity/") && r.status != 200 ? 1 : 0;
  CHECK(refused == 0);
  s.stop();
  CHECK(s.budget_used("xero", "day") > xero);  // loaded at start-up, then counted on
}

TEST_CASE("R2 R6 R7 the initial sync writes each Capsule party once: a new party with its summary, plus its note") {
  if (test::sandbox_path().empty()) {
    WARN("capsync-sandbox is not part of this build");
    return;
  }
  // More contacts than one reconcile batch (100), so the batches share what they read.
  SandboxSync s(60, 150, 400);
  s.connection.sync.invoice_note = true;
  s.clear_requests();
  s.pull();
  const auto created = s.bound_parties(true);
  const auto linked = s.bound_parties(false);
  REQUIRE(created.size() > 50);
  REQUIRE_FALSE(linked.empty());

  const std::string parties = "/capsule/api/v2/parties";
  int creates = 0, definitions = 0, notes = 0;
  std::map<std::string, int> updates;  // PUTs per party id
  std::vector<std::string> listed_notes_of_created;
  for (const auto& r : s.request_log()) {
    if (r.method == "POST" && r.path == parties) ++creates;
    if (r.method == "GET" && r.path == parties + "/fields/definitions") ++definitions;
    if (r.method == "POST" && r.path == "/capsule/api/v2/entries") ++notes;
    if (r.method == "PUT" && r.path.starts_with(parties + "/")) ++updates[r.path.substr(parties.size() + 1)];
    if (r.method == "GET" && r.path.ends_with("/entries")) {
      const std::string id = r.path.substr(parties.size() + 1, r.path.size() - parties.size() - 1 - 8);
      if (created.contains(id)) listed_notes_of_created.push_back(id);
    }
  }
  CHECK(creates == static_cast<int>(created.size()));
  // A created party got its summary fields and tag with its create: no PUT follows it.
  for (const auto& [id, count] : updates) {
    INFO("party " << id);
    CHECK_FALSE(created.contains(id));
    CHECK(count == 1);
  }
  CHECK(definitions == 1);
  // A party made just now has no note to look for; each linked party gets one note.
  CHECK(listed_notes_of_created.empty());
  CHECK(notes == static_cast<int>(created.size() + linked.size()));

  // What the create wrote is what a later sync wants there: nothing left to write.
  s.clear_requests();
  s.pull();
  for (const auto& r : s.request_log()) {
    INFO(r.method << " " << r.path);
    CHECK(r.method == "GET");
  }
}
