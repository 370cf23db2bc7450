// The sync engine over the live connectors with provider freshbooks, against capsync-sandbox:
// an initial sync links and creates parties from FreshBooks clients (R3: every active client
// qualifies, invoices or not; archived and deleted ones do not) and writes the invoice summary
// from exact money, leaving drafts and deleted invoices out (R6).

#include <catch2/catch.hpp>

#include <fstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <rapidjson/document.h>

#include "core/engine/live_connectors.hpp"
#include "core/engine/sync_engine.hpp"
#include "core/http/client.hpp"
#include "core/queue/job_queue.hpp"
#include "core/store/database.hpp"
#include "test/unit/http/sandbox_process.hpp"
#include "test/unit/store/temp_dir.hpp"

using namespace capsync;
namespace asio = boost::asio;

namespace {

constexpr std::string_view kSeed = R"js({
  "capsule": {
    "tokens": ["capsule-sandbox-token"],
    "users": [{"id": 1, "username": "sandbox", "name": "Sandbox Admin"}],
    "fieldDefinitions": [{"id": 94, "type": "text", "name": "Outstanding"}, {"id": 95, "type": "text", "name": "Overdue"},
                         {"id": 96, "type": "date", "name": "Next due date"}, {"id": 97, "type": "date", "name": "Last invoice date"}],
    "parties": [{"type": "organisation", "name": "Acme Ltd"}, {"type": "person", "firstName": "Jane", "lastName": "Doe"}]
  },
  "freshbooks": {
    "clients": [{"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}],
    "refreshTokens": ["freshbooks-sandbox-refresh-token"],
    "business": {"name": "Sandbox Studio Inc.", "account_id": "SBX001", "currency_code": "USD"},
    "customers": [
      {"id": 101, "organization": "Acme Ltd", "fname": "Ann", "lname": "Acme"},
      {"id": 102, "fname": "Jane", "lname": "Doe", "organization": "Jane Doe"},
      {"id": 103, "organization": "Globex"},
      {"id": 104, "organization": "Old Co", "vis_state": 2},
      {"id": 105, "organization": "Gone Co", "vis_state": 1}
    ],
    "invoices": [{"id": 1, "customerid": 101, "invoice_number": "0000001", "amount": "120.50", "paid": "20.25",
                  "create_date_offset_days": -40, "due_date_offset_days": -10},
                 {"id": 2, "customerid": 103, "invoice_number": "0000002", "amount": "30.00", "v3_status": "draft",
                  "create_date_offset_days": -5, "due_date_offset_days": -1},
                 {"id": 3, "customerid": 103, "invoice_number": "0000003", "amount": "45.00", "vis_state": 1,
                  "create_date_offset_days": -40, "due_date_offset_days": -10}]
  }
})js";

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

template <typename T>
T run(asio::io_context& io, asio::awaitable<T> work) {
  std::optional<T> result;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { result.emplace(co_await std::move(work)); },
                 [](std::exception_ptr e) {
                   if (e) std::rethrow_exception(e);
                 });
  io.restart();
  io.run();
  REQUIRE(result.has_value());
  return std::move(*result);
}

queue::Job job(std::string kind) {
  queue::Job j;
  j.id = 1;
  j.kind = std::move(kind);
  j.connection = "acme";
  return j;
}

// Capsule parties in the sandbox's state, by display name.
std::map<std::string, std::string> parties(asio::io_context& io, http::Client& client, const std::string& base) {
  http::Request r;
  r.url = base + "/_admin/state";
  auto response = run(io, client.send(std::move(r)));
  REQUIRE(response.ok());
  rapidjson::Document state;
  state.Parse(response->body.c_str());
  REQUIRE(state.IsObject());
  std::map<std::string, std::string> out;
  for (const auto& p : state["capsule"]["parties"].GetArray()) {
    std::string name = p["type"] == "person" ? std::string(p["firstName"].GetString()) + " " + p["lastName"].GetString()
                                             : p["name"].GetString();
    std::string summary = std::string(p["type"].GetString()) + ";";
    if (p.HasMember("fields"))
      for (const auto& f : p["fields"].GetArray())
        summary += std::string(f["definition"]["name"].GetString()) + "=" + f["value"].GetString() + ";";
    if (p.HasMember("tags"))
      for (const auto& t : p["tags"].GetArray()) summary += std::string("tag=") + t["name"].GetString() + ";";
    out[name] = summary;
  }
  return out;
}

}  // namespace

TEST_CASE("R3 every active FreshBooks client qualifies without invoices, archived and deleted ones do not, R6 drafts and deleted invoices left out") {
  test::TempDir dir;
  std::ofstream(dir.file("seed.json")) << kSeed;
  test::SandboxProcess sandbox({"--seed", dir.file("seed.json")});
  REQUIRE(sandbox.running());
  const std::string base = sandbox.base_url();

  config::ConnectionConfig connection;
  connection.name = "acme";
  connection.time_zone = "America/New_York";
  connection.capsule.base_url = base + "/capsule";
  connection.capsule.token = Secret("capsule-sandbox-token");
  connection.accounting.provider = config::Provider::freshbooks;
  connection.accounting.base_url = base + "/freshbooks";
  connection.accounting.token_url = base + "/freshbooks/auth/oauth/token";
  connection.accounting.client_id = "sandbox-client-id";
  connection.accounting.client_secret = Secret("sandbox-client-secret");
  connection.accounting.refresh_token = Secret("freshbooks-sandbox-refresh-token");

  asio::io_context io;
  auto db = store::Database::open(dir.file("capsync.db"), {}).value();
  queue::JobQueue jobs(*db);
  engine::LiveConnectors connectors(io.get_executor(), *db, "");
  engine::EngineOptions options;
  options.find_connection = [&](std::string_view name) -> const config::ConnectionConfig* {
    return name == connection.name ? &connection : nullptr;
  };
  options.enqueue = [&](queue::JobSpec spec) { return jobs.enqueue(spec, unix_ms()); };
  auto engine = engine::SyncEngine::create(io.get_executor(), *db, connectors, std::move(options)).value();

  auto pulled = run(io, engine->pull(job("pull")));
  INFO((pulled.ok() ? std::string() : pulled.error().message()));
  REQUIRE(pulled.ok());

  http::Client client{io.get_executor(), {}};
  auto after = parties(io, client, base);
  CHECK(after.size() == 3);  // Acme and Jane linked, Globex created; Old Co (archived) and Gone Co (deleted) not
  CHECK(after["Acme Ltd"].starts_with("organisation;Outstanding=100.25 USD;Overdue=100.25 USD;"));
  CHECK(after["Acme Ltd"].ends_with(";tag=Overdue invoices;"));
  CHECK(after["Jane Doe"] == "person;");
  CHECK(after["Globex"] == "organisation;");  // a draft and a deleted invoice owe nothing
  CHECK_FALSE(after.contains("Old Co"));
  CHECK_FALSE(after.contains("Gone Co"));
}
