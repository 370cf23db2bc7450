#pragma once
// SyncEngine: the job handlers that make capsyncd sync (design §2–3).
//
//   pull            Capsule parties + deletions, accounting contacts, invoices, then every
//                   pending contact reconciled and its actions executed (R1–R9, R13–R15, R17)
//   capsule_poll    changed Capsule parties, then pending contacts (R10 via push jobs): one
//                   request and no write when nothing changed; deletions wait for the pull
//   full_reconcile  pull over everything from empty cursors: refreshes overdue flags as days
//                   pass, and infers deletions after a complete scan only
//   push            one Capsule party's details to its accounting contact (R10–R12)
//   export          the operator's export of one Capsule party (R12, export_job.hpp)
//   disable         R16: remove capsync's writes from Capsule, forget the links (disable_job.hpp)
//
// A connection the operator disabled (DisableState) runs none of its jobs but disable.
//
// Jobs of one connection never overlap (ConnectionLocks). Handlers return an Error for
// failures a retry may cure or an operator must fix; per-record refusals are conflicts.
// Single-threaded: everything runs on the io_context thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/config/settings.hpp"
#include "core/engine/connection_lock.hpp"
#include "core/engine/connection_sync.hpp"
#include "core/engine/connector_source.hpp"
#include "core/engine/sync_context.hpp"
#include "core/queue/job_queue.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

using JobHandler = std::function<boost::asio::awaitable<Status>(const queue::Job&)>;

struct EngineOptions {
  // The connection's settings in force now (they change on reload); nullptr when unknown.
  std::function<const config::ConnectionConfig*(std::string_view)> find_connection;
  // Follow-up jobs (push); wakes the runner. Must write through the engine's Database, so a job
  // queued while a page is applied joins that page's transaction (the daemon's JobQueue does).
  Enqueue enqueue;
  std::function<std::int64_t()> now_ms;  // empty: the system clock
};

class SyncEngine final {
 public:
  // `db` is the state database the job queue uses too (one connection), opened by
  // store::Database::open, whose migration 2 holds the engine's tables.
  static Result<std::unique_ptr<SyncEngine>> create(boost::asio::any_io_executor executor, store::Database& db,
                                                    ConnectorSource& connectors, EngineOptions options);
  SyncEngine(const SyncEngine&) = delete;
  SyncEngine& operator=(const SyncEngine&) = delete;

  boost::asio::awaitable<Status> pull(const queue::Job& job);
  boost::asio::awaitable<Status> capsule_poll(const queue::Job& job);
  boost::asio::awaitable<Status> full_reconcile(const queue::Job& job);
  boost::asio::awaitable<Status> push(const queue::Job& job);
  boost::asio::awaitable<Status> export_party(const queue::Job& job);
  boost::asio::awaitable<Status> disable(const queue::Job& job);

  // Calls add(kind, handler) for pull, capsule_poll, full_reconcile, push, export and disable.
  void register_handlers(const std::function<void(std::string, JobHandler)>& add);

 private:
  SyncEngine(boost::asio::any_io_executor executor, store::Database& db, ConnectorSource& connectors,
             EngineOptions options);
  boost::asio::awaitable<Status> sync(const queue::Job& job, SyncMode mode);
  // `even_if_disabled`: for the disable job, which also runs on a connection the config disables.
  Result<SyncContext> context(std::string_view connection, bool even_if_disabled = false);
  // True (and logged) when the operator disabled the job's connection: the job does nothing.
  bool skipped(const queue::Job& job);
  ConnectionStore& store_of(const std::string& connection);

  // All members belong to the io_context thread.
  store::Database& db_;
  ConnectorSource& connectors_;
  EngineOptions options_;
  ConnectionLocks locks_;
  std::map<std::string, std::unique_ptr<ConnectionStore>, std::less<>> stores_;
};

}  // namespace capsync::engine
