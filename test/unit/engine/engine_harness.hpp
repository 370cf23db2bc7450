#pragma once
// EngineHarness: the sync engine over the in-memory connectors of fake_connectors.hpp and a
// real SQLite store in a temporary directory, run on one io_context. A test derives from it,
// configures `connection`, then calls start() with where the engine's new jobs go.

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <catch2/catch.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "core/engine/sync_engine.hpp"
#include "core/store/database.hpp"
#include "test/unit/engine/fake_connectors.hpp"
#include "test/unit/store/temp_dir.hpp"

namespace capsync::test {

// The same two connectors for every connection.
class FixedConnectors final : public engine::ConnectorSource {
 public:
  FixedConnectors(connector::CapsuleConnector& c, connector::AccountingConnector& a) : c_(c), a_(a) {}
  Result<engine::Connectors> connectors(const config::ConnectionConfig&) override {
    return engine::Connectors{&c_, &a_};
  }

 private:
  connector::CapsuleConnector& c_;
  connector::AccountingConnector& a_;
};

struct EngineHarness {
  TempDir dir;
  FakeClock clock;
  FakeCapsule capsule{clock};
  FakeAccounting xero{clock};
  FixedConnectors source{capsule, xero};
  config::ConnectionConfig connection;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<engine::SyncEngine> engine;
  boost::asio::io_context io;

  EngineHarness() {
    connection.name = "acme";
    // The fake accounting side answers as Xero does: invoices decide who qualifies (R3).
    connection.accounting.provider.name = "xero";
    connection.accounting.provider.qualifies_by_invoices = true;
    db = store::Database::open(dir.file("capsync.db"), {}).value();
  }

  void start(std::function<Result<std::int64_t>(queue::JobSpec)> enqueue) {
    engine::EngineOptions options;
    options.find_connection = [this](std::string_view name) -> const config::ConnectionConfig* {
      return name == connection.name ? &connection : nullptr;
    };
    options.enqueue = std::move(enqueue);
    options.now_ms = [this] { return clock.ms; };
    engine = engine::SyncEngine::create(io.get_executor(), *db, source, std::move(options)).value();
  }

  // Runs `work` to its end on the harness's io_context.
  template <typename T>
  T run(boost::asio::awaitable<T> work) {
    std::optional<T> result;
    auto keep = [](boost::asio::awaitable<T> w, std::optional<T>& out) -> boost::asio::awaitable<void> {
      out = co_await std::move(w);
    };
    boost::asio::co_spawn(io, keep(std::move(work), result), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io.restart();
    io.run();
    REQUIRE(result.has_value());
    return std::move(*result);
  }

  queue::Job job(std::string_view kind, std::string payload = {}) const {
    queue::Job j;
    j.id = 1;
    j.kind = std::string(kind);
    j.connection = connection.name;
    j.payload = std::move(payload);
    return j;
  }
};

}  // namespace capsync::test
