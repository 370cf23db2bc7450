#include "test/unit/connectors/engine_sandbox_fixture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <exception>
#include <fstream>
#include <optional>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <rapidjson/document.h>

namespace capsync::test {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kCapsuleSeed = R"js({
  "capsule": {
    "tokens": ["capsule-sandbox-token"],
    "users": [{"id": 1, "username": "sandbox", "name": "Sandbox Admin"}],
    "fieldDefinitions": [{"id": 94, "type": "text", "name": "Outstanding"}, {"id": 95, "type": "text", "name": "Overdue"},
                         {"id": 96, "type": "date", "name": "Next due date"}, {"id": 97, "type": "date", "name": "Last invoice date"},
                         {"id": 98, "type": "text", "name": "Open quotes"}],
    "parties": [{"type": "organisation", "name": "Acme Ltd"}, {"type": "person", "firstName": "Jane", "lastName": "Doe"}]
  },
)js";

// Writes the seed into dir and returns the sandbox arguments that load it.
std::vector<std::string> seed_args(const TempDir& dir, std::string_view provider_seed) {
  const std::string path = dir.file("seed.json");
  std::ofstream(path) << kCapsuleSeed << provider_seed << "\n}";
  return {"--seed", path};
}

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

queue::Job pull_job(const std::string& connection) {
  queue::Job j;
  j.id = 1;
  j.kind = "pull";
  j.connection = connection;
  return j;
}

}  // namespace

EngineSandboxFixture::EngineSandboxFixture(std::string_view provider_seed, const Configure& configure,
                                           engine::ProgressBoard* progress)
    : sandbox_(seed_args(dir_, provider_seed)),
      base_(sandbox_.base_url()),
      db_(store::Database::open(dir_.file("capsync.db"), {}).value()),
      jobs_(*db_),
      connectors_(io_.get_executor(), *db_, ""),
      client_(io_.get_executor(), {}) {
  REQUIRE(sandbox_.running());
  connection_.name = "acme";
  connection_.capsule.base_url = base_ + "/capsule";
  connection_.capsule.token = Secret("capsule-sandbox-token");
  configure(connection_, base_);

  engine::EngineOptions options;
  options.find_connection = [this](std::string_view name) -> const config::ConnectionConfig* {
    return name == connection_.name ? &connection_ : nullptr;
  };
  options.enqueue = [this](queue::JobSpec spec) { return jobs_.enqueue(spec, unix_ms()); };
  options.progress = progress;
  engine_ = engine::SyncEngine::create(io_.get_executor(), *db_, connectors_, std::move(options)).value();
}

template <typename T>
T EngineSandboxFixture::run(asio::awaitable<T> work) {
  std::optional<T> result;
  asio::co_spawn(io_, [&]() -> asio::awaitable<void> { result.emplace(co_await std::move(work)); },
                 [](std::exception_ptr e) {
                   if (e) std::rethrow_exception(e);
                 });
  io_.restart();
  io_.run();
  REQUIRE(result.has_value());
  return std::move(*result);
}

Status EngineSandboxFixture::pull() { return run(engine_->pull(pull_job(connection_.name))); }

Result<http::Response> EngineSandboxFixture::get(std::string_view path) {
  http::Request r;
  r.url = base_ + std::string(path);
  return run(client_.send(std::move(r)));
}

Result<http::Response> EngineSandboxFixture::send(http::Method method, std::string_view path, std::string body) {
  http::Request r;
  r.method = method;
  r.url = base_ + std::string(path);
  r.body = std::move(body);
  r.content_type = "application/json";
  return run(client_.send(std::move(r)));
}

std::vector<engine::StoredConflict> EngineSandboxFixture::conflicts() {
  auto open = engine::ConflictsRepo(*db_, connection_.name).open();
  REQUIRE(open.ok());
  return *open;
}

std::map<std::string, std::string> EngineSandboxFixture::parties() {
  auto response = get("/_admin/state");
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

}  // namespace capsync::test
