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
//   export          the operator's export of one Capsule party (R12, jobs.hpp)
//   disable         R16: remove capsync's writes from Capsule, forget the links (jobs.hpp)
//
// A connection the operator disabled (DisableState) runs none of its jobs but disable.
//
// Jobs of one connection never overlap (ConnectionLocks). Handlers return an Error for
// failures a retry may cure or an operator must fix; per-record refusals are conflicts.
// Single-threaded: everything runs on the io_context thread.
//
// Reading order — one sync from top to bottom, then the rest:
//   sync_engine       this file: a job takes its connection's lock (ConnectionLocks), builds its
//                     SyncContext and runs sync_connection: pull, reconcile, execute
//   sync_context.hpp  what every step works with: store, connectors (ConnectorSource), policy
//   pull              Capsule parties, accounting contacts and invoices into the store; what
//                     changed becomes pending
//   reconcile_pass    the pending contacts in batches through the reconciler (core/sync)
//   action_executor   its actions carried out on both sides; SummaryWriter for Capsule summaries
//   jobs              push, export and disable: the jobs besides the syncs
//   connection_store  the store of one connection; its tables in bindings_repo, mirror_repo,
//                     conflicts_repo, and record_codec for the mirrored records
//   plan, plan_connectors  `capsyncctl plan`: a sync on a copy of the store that only reads

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/config/settings.hpp"
#include "core/engine/pull.hpp"
#include "core/engine/quote_drafts.hpp"
#include "core/engine/quote_pull.hpp"
#include "core/engine/quote_side.hpp"
#include "core/engine/reconcile_pass.hpp"
#include "core/engine/sync_context.hpp"
#include "core/queue/job_queue.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::engine {

// ConnectionLocks: one sync at a time per connection. The scheduler enqueues pull,
// capsule_poll and full_reconcile independently and the runner may run them at once; two
// passes deciding from the same mirror would both create the party for a new contact. A job
// awaits the lock (a suspended coroutine, never a blocked thread), first come first served.
// Single-threaded: the io_context thread owns every member.
class ConnectionLocks final {
 public:
  class Guard final {
   public:
    Guard(ConnectionLocks* locks, std::string connection) : locks_(locks), connection_(std::move(connection)) {}
    Guard(Guard&& other) noexcept : locks_(std::exchange(other.locks_, nullptr)), connection_(std::move(other.connection_)) {}
    Guard& operator=(Guard&&) = delete;
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() {
      if (locks_) locks_->unlock(connection_);
    }

   private:
    ConnectionLocks* locks_;
    std::string connection_;
  };

  explicit ConnectionLocks(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}
  ConnectionLocks(const ConnectionLocks&) = delete;
  ConnectionLocks& operator=(const ConnectionLocks&) = delete;

  // Resumes once this caller holds the connection's lock; released with the Guard.
  boost::asio::awaitable<Guard> lock(std::string connection);
  bool held(const std::string& connection) const;

 private:
  void unlock(const std::string& connection);

  struct State {
    bool held = false;
    std::deque<std::shared_ptr<boost::asio::steady_timer>> waiters;  // woken (cancelled) in order
  };
  boost::asio::any_io_executor executor_;
  std::map<std::string, State> states_;
};

// sync_connection: one sync of one connection, the body of the pull, capsule_poll and
// full_reconcile jobs — pull both sides into the store, then reconcile what is pending and
// execute its actions. SyncEngine runs it under the connection's lock; `capsyncctl plan`
// runs it on a copy of the store with connectors that only read (plan.hpp).
//
//   pull  changed parties, deletions, contacts, invoices and quotes since the cursors
//   poll  changed Capsule parties only (deletions wait for the pull)
//   full  everything from empty cursors, every contact reconciled again
enum class SyncMode { pull, poll, full };

struct SyncRunResult {
  CapsulePullResult capsule;
  ContactPullResult contacts;
  InvoicePullResult invoices;
  QuotePullResult quotes;
  PassResult pass;
  DraftResult drafts;  // R19: set by the engine's sync jobs, not by a plan
};

boost::asio::awaitable<Result<SyncRunResult>> sync_connection(SyncContext& ctx, SyncMode mode);

// ProgressRun: a sync's entry on the ProgressBoard (when there is one), from start to end.
class ProgressRun final {
 public:
  ProgressRun(ProgressBoard* board, std::string connection, std::int64_t now_ms, bool resumed,
              std::string accounting = {})
      : board_(board), connection_(std::move(connection)) {
    if (board_) board_->start(connection_, now_ms, resumed, std::move(accounting));
  }
  ~ProgressRun() {
    if (board_) board_->finish(connection_);
  }
  ProgressRun(const ProgressRun&) = delete;
  ProgressRun& operator=(const ProgressRun&) = delete;

 private:
  ProgressBoard* board_;
  std::string connection_;
};

// R28: reads which Capsule account the connection's token reaches (once: the connector keeps
// it) and records it with the summary fields the connection writes, for status; when it is new,
// says in the journal which other `active` connections share that account. Errc::invalid_argument
// when an active connection on the account writes one of the same summary fields.
boost::asio::awaitable<Status> record_capsule_account(SyncContext& ctx,
                                                      const std::function<bool(std::string_view)>& active);

using JobHandler = std::function<boost::asio::awaitable<Status>(const queue::Job&)>;

struct EngineOptions {
  // The connection's settings in force now (they change on reload); nullptr when unknown.
  std::function<const config::ConnectionConfig*(std::string_view)> find_connection;
  // Follow-up jobs (push); wakes the runner. Must write through the engine's Database, so a job
  // queued while a page is applied joins that page's transaction (the daemon's JobQueue does).
  Enqueue enqueue;
  std::function<std::int64_t()> now_ms;  // empty: the system clock
  // Where the sync jobs report their progress; nullptr: not reported.
  ProgressBoard* progress = nullptr;
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
  // R23: the records webhooks named, read back and reconciled (webhook_refresh.hpp).
  boost::asio::awaitable<Status> webhook_refresh(const queue::Job& job);

  // Calls add(kind, handler) for pull, capsule_poll, full_reconcile, push, export, disable
  // and webhook_refresh.
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
  QuoteSides quote_sides_;  // R19: which connections draft quotes
};

}  // namespace capsync::engine
