#pragma once
// What every step of a sync works with: the job's SyncContext, and the ConnectorSource its
// connectors come from.

#include <cstdint>
#include <functional>
#include <string>

#include "core/config/settings.hpp"
#include "core/connector/accounting_connector.hpp"
#include "core/connector/capsule_connector.hpp"
#include "core/engine/connection_store.hpp"
#include "core/engine/sync_progress.hpp"
#include "core/error/result.hpp"
#include "core/queue/job_queue.hpp"
#include "core/sync/policy.hpp"

namespace capsync::engine {

// SyncContext: what one job of one connection works with — its name, policy, repositories,
// connectors, clock and the way to enqueue follow-up jobs. Built per job by SyncEngine.
using Enqueue = std::function<Result<std::int64_t>(queue::JobSpec)>;

struct SyncContext {
  std::string connection;  // for log lines and follow-up jobs; the store's rows are store.name's
  std::string time_zone;
  sync::ConnectionPolicy policy;
  ConnectionStore& store;
  connector::CapsuleConnector& capsule;
  connector::AccountingConnector& accounting;
  Enqueue enqueue;
  std::function<std::int64_t()> now_ms;
  // Where a sync job reports how far it got; nullptr for the other jobs and for plans.
  ProgressBoard* progress = nullptr;
};

// ConnectorSource: where the engine gets the two connectors of a connection. The daemon's
// wiring builds them (HTTP client, token manager, rate limiter) from the connection's
// settings; unit tests hand in fakes. The connectors outlive every job that uses them.
struct Connectors {
  connector::CapsuleConnector* capsule = nullptr;
  connector::AccountingConnector* accounting = nullptr;
};

class ConnectorSource {
 public:
  virtual ~ConnectorSource() = default;
  // The connectors of `connection`, built on first use and kept. An error names what the
  // operator must fix (a provider with no connector yet, a missing credential).
  virtual Result<Connectors> connectors(const config::ConnectionConfig& connection) = 0;
  // The connection's stored credentials were replaced (`capsyncctl connect`): its connectors
  // read them again before their next request and discover their tenant again (the new
  // credentials may reach another organisation), and a refused login is tried once more.
  virtual void reload_credentials(const std::string& connection) { (void)connection; }
  // The config was read again (a reload, or `capsyncctl connect` re-reading secret files): a
  // login credential that changed replaces the one in use. True when one did.
  virtual bool update_credentials(const config::ConnectionConfig& connection) {
    (void)connection;
    return false;
  }
};

}  // namespace capsync::engine
