// The sync engine over the live connectors with provider kashflow, against capsync-sandbox,
// logging in with username, password and memorable word: R3 (every active customer qualifies,
// invoices or not; archived ones do not) and R6 (suppliers and purchases are never read), end
// to end, with the summary money exact.

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
  "kashflow": {
    "users": [{"username": "sandbox", "password": "sandbox-password", "memorableWord": "pineapple"}],
    "customers": [
      {"Code": "ACME01", "Name": "Acme Ltd", "Contacts": [{"Firstname": "Ann", "LastName": "Acme"}]},
      {"Code": "JANE01", "Name": "Jane Doe", "Contacts": [{"Firstname": "Jane", "LastName": "Doe"}]},
      {"Code": "GLOB01", "Name": "Globex"},
      {"Code": "OLD01", "Name": "Old Co", "IsArchived": true}
    ],
    "invoices": [{"Number": 1, "CustomerCode": "ACME01", "GrossAmount": "120.50", "TotalPaidAmount": "20.25",
                  "IssuedDateOffsetDays": -40, "DueDateOffsetDays": -10}],
    "suppliers": [{"Code": "SUP01", "Name": "Supply Co"}],
    "purchases": [{"Number": 1, "SupplierCode": "SUP01", "GrossAmount": "30.00", "IssuedDateOffsetDays": -40,
                   "DueDateOffsetDays": -10}]
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

TEST_CASE("R3 every active KashFlow customer qualifies without invoices, R6 suppliers and purchases never read") {
  test::TempDir dir;
  std::ofstream(dir.file("seed.json")) << kSeed;
  test::SandboxProcess sandbox({"--seed", dir.file("seed.json")});
  REQUIRE(sandbox.running());
  const std::string base = sandbox.base_url();

  config::ConnectionConfig connection;
  connection.name = "acme";
  connection.time_zone = "Europe/London";
  connection.capsule.base_url = base + "/capsule";
  connection.capsule.token = Secret("capsule-sandbox-token");
  connection.accounting.provider = config::Provider::kashflow;
  connection.accounting.base_url = base + "/kashflow/v2";
  connection.accounting.username = "sandbox";
  connection.accounting.password = Secret("sandbox-password");
  connection.accounting.memorable_word = Secret("pineapple");

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
  CHECK(after.size() == 3);  // Acme and Jane linked; Globex created; Old Co archived
  CHECK(after["Acme Ltd"].starts_with("organisation;Outstanding=100.25 GBP;Overdue=100.25 GBP;"));
  CHECK(after["Acme Ltd"].ends_with(";tag=Overdue invoices;"));
  CHECK(after["Jane Doe"] == "person;");
  CHECK(after["Globex"] == "organisation;");
  CHECK_FALSE(after.contains("Supply Co"));
  CHECK_FALSE(after.contains("Old Co"));

  http::Request r;
  r.url = base + "/_admin/requests";
  auto log = run(io, client.send(std::move(r)));
  REQUIRE(log.ok());
  CHECK(log->body.find("/kashflow/v2/suppliers") == std::string::npos);
  CHECK(log->body.find("/kashflow/v2/purchases") == std::string::npos);
  CHECK(log->body.find("/kashflow/v2/customers") != std::string::npos);
}
