#pragma once
// The sync engine over the live connectors against capsync-sandbox, for one connection "acme":
// the Capsule part of the seed (admin token, the summary field definitions, parties Acme Ltd and
// Jane Doe) is shared; the provider's seed section and accounting settings come from the test.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "core/config/settings.hpp"
#include "core/engine/conflicts_repo.hpp"
#include "connectors/registry/live_connectors.hpp"
#include "core/engine/sync_engine.hpp"
#include "core/http/client.hpp"
#include "core/queue/job_queue.hpp"
#include "core/store/database.hpp"
#include "test/unit/http/sandbox_process.hpp"
#include "test/unit/store/temp_dir.hpp"

namespace capsync::test {

class EngineSandboxFixture final {
 public:
  // Sets the connection's time zone and accounting settings; base is the sandbox's base URL.
  using Configure = std::function<void(config::ConnectionConfig& connection, const std::string& base)>;

  // provider_seed is one seed member, e.g. R"("sage": {...})", placed next to the Capsule part.
  // `progress`: where the sync jobs report how far they got (issue 22); nullptr: nowhere.
  EngineSandboxFixture(std::string_view provider_seed, const Configure& configure,
                       engine::ProgressBoard* progress = nullptr);
  EngineSandboxFixture(const EngineSandboxFixture&) = delete;
  EngineSandboxFixture& operator=(const EngineSandboxFixture&) = delete;

  // The initial sync: one pull job for the connection.
  Status pull();
  // Capsule parties in the sandbox's state by display name, each as
  // "<type>;<field>=<value>;...;tag=<name>;...".
  std::map<std::string, std::string> parties();
  // GET base + path on the sandbox.
  Result<http::Response> get(std::string_view path);
  // POST (or another method) of a JSON body to base + path, e.g. arming a fault at /_admin/faults.
  Result<http::Response> send(http::Method method, std::string_view path, std::string body = {});
  // The connection's open conflicts (R17), oldest first.
  std::vector<engine::StoredConflict> conflicts();

 private:
  template <typename T>
  T run(boost::asio::awaitable<T> work);

  TempDir dir_;
  SandboxProcess sandbox_;
  std::string base_;
  config::ConnectionConfig connection_;
  boost::asio::io_context io_;
  std::unique_ptr<store::Database> db_;
  queue::JobQueue jobs_;
  registry::LiveConnectors connectors_;
  std::unique_ptr<engine::SyncEngine> engine_;
  http::Client client_;
};

}  // namespace capsync::test
