#pragma once
// SyncContext: what one job of one connection works with — its name, policy, repositories,
// connectors, clock and the way to enqueue follow-up jobs. Built per job by SyncEngine.

#include <cstdint>
#include <functional>
#include <string>

#include "core/engine/connection_store.hpp"
#include "core/engine/connector_source.hpp"
#include "core/error/result.hpp"
#include "core/queue/job_queue.hpp"
#include "core/sync/policy.hpp"

namespace capsync::engine {

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
};

}  // namespace capsync::engine
