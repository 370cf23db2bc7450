// The sync engine over the live connectors with provider sage, against capsync-sandbox: the
// rules that differ by provider (R3: every customer qualifies, invoices or not; archived ones
// do not; R6: supplier invoices left out by default), end to end.

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
  "sage": {
    "clients": [{"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}],
    "refreshTokens": ["sage-sandbox-refresh-token"],
    "businesses": [{"id": "5a1e0b0c0d0e4f10a1b2c3d4e5f60001", "name": "Sandbox Business (UK)"}],
    "contacts": [
      {"id": "c1", "name": "Acme Ltd", "contact_type_ids": ["CUSTOMER"], "main_contact_person": {"name": "Ann Acme"}},
      {"id": "c2", "name": "Jane Doe", "contact_type_ids": ["CUSTOMER"], "main_contact_person": {"name": "Jane Doe"}},
      {"id": "c3", "name": "Globex", "contact_type_ids": ["CUSTOMER"]},
      {"id": "c4", "name": "Supply Co", "contact_type_ids": ["VENDOR"]},
      {"id": "c5", "name": "Old Co", "contact_type_ids": ["CUSTOMER"], "is_active": false}
    ],
    "sales_invoices": [{"id": "s1", "contact_id": "c1", "invoice_number": "SI-1", "total_amount": 120.50,
                        "total_paid": 20.25, "date_offset_days": -40, "due_date_offset_days": -10}],
    "purchase_invoices": [{"id": "p1", "contact_id": "c4", "vendor_reference": "B-1", "total_amount": 30,
                           "date_offset_days": -40, "due_date_offset_days": -10}]
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

TEST_CASE("R3 every active Sage customer and supplier qualifies without invoices, R6 supplier invoices left out") {
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
  connection.accounting.provider = config::Provider::sage;
  connection.accounting.base_url = base + "/sage/v3.1";
  connection.accounting.token_url = base + "/sage-oauth/token";
  connection.accounting.client_id = "sandbox-client-id";
  connection.accounting.client_secret = Secret("sandbox-client-secret");
  connection.accounting.refresh_token = Secret("sage-sandbox-refresh-token");

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
  CHECK(after.size() == 4);  // Acme and Jane linked; Globex and Supply Co created; Old Co archived
  CHECK(after["Acme Ltd"].starts_with("organisation;Outstanding=100.25 GBP;Overdue=100.25 GBP;"));
  CHECK(after["Acme Ltd"].ends_with(";tag=Overdue invoices;"));
  CHECK(after["Jane Doe"] == "person;");
  CHECK(after["Globex"] == "organisation;");
  CHECK(after["Supply Co"] == "organisation;");  // its purchase invoice is not shown (R6)
  CHECK_FALSE(after.contains("Old Co"));
}
