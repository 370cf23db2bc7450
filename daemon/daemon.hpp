#pragma once
// Daemon: capsyncd's process lifecycle, the counterpart of systemd-oomd's Manager. It owns
// the store, the queue and every loop component, and wires them together:
//
//   create(): state_dir, instance lock, store (migrations), expired leases back to ready
//   start():  admin socket, timers, job runner, watchdog, signals, then READY=1 + STATUS
//   SIGHUP:   RELOADING=1, load the config aside, swap if valid, READY=1
//   SIGTERM:  STOPPING=1, stop claiming, let running jobs finish within shutdown_grace, give
//             the rest back to the queue, cancel every coroutine and wait until all have ended
//   a loop that throws (Tasks::Policy::essential): the same stop, exit code 1
//
// The sync layer registers its job handlers through handlers() between create() and start(),
// and shares database() (one SQLite connection per process, on the io_context thread).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/config/settings.hpp"
#include "core/error/result.hpp"
#include "daemon/admin_commands.hpp"
#include "daemon/admin_protocol.hpp"
#include "daemon/admin_server.hpp"
#include "daemon/daemon_status.hpp"
#include "daemon/handler_registry.hpp"
#include "daemon/instance_lock.hpp"
#include "daemon/job_runner.hpp"
#include "daemon/metrics_server.hpp"
#include "daemon/notifier.hpp"
#include "daemon/scheduler.hpp"
#include "daemon/signals.hpp"
#include "daemon/status_reporter.hpp"
#include "daemon/tasks.hpp"
#include "daemon/watchdog.hpp"
#include "daemon/webhook_listener.hpp"

namespace capsync::store {
class Database;
}
namespace capsync::queue {
class JobQueue;
}

namespace capsync::daemon {

struct DaemonOptions {
  std::string config_path;  // re-read on SIGHUP
  int max_running_jobs = 4;
  // Start with a new state database although the old one is empty or missing (--accept-new-state).
  bool accept_new_state = false;
};

class Daemon final {
 public:
  // Prepares everything that can fail before READY: a failure here means exit 1 with the
  // returned message.
  static Result<std::unique_ptr<Daemon>> create(boost::asio::io_context& io, config::Config config,
                                                DaemonOptions options);
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;
  ~Daemon();

  // Where the sync layer registers a handler per job kind, before start().
  HandlerRegistry& handlers() { return handlers_; }
  // Where the sync layer registers the admin commands it serves (admin_commands.hpp), before start().
  AdminCommands& admin_commands() { return admin_commands_; }
  // Runs before `status` is answered, so figures read from the store are current (the rate
  // limiters save their budgets only every few seconds).
  void before_status(std::function<void()> refresh) { before_status_ = std::move(refresh); }
  // Says whether Capsule accepts a connection's token (ConnectionReport::capsule_auth).
  void capsule_auth(std::function<std::string(const std::string&)> state) { capsule_auth_ = std::move(state); }
  // The webhooks subscribed for a connection (ConnectionReport::webhooks), for status.
  void webhook_subscriptions(std::function<WebhookSubscriptionState(const std::string&)> state) {
    webhook_subscriptions_ = std::move(state);
  }
  // The progress of a connection's running sync (engine::ProgressBoard), for status.
  void sync_progress(std::function<std::optional<engine::SyncProgress>(const std::string&)> find) {
    sync_progress_ = std::move(find);
  }
  // Runs after a reload put a new configuration in force (credentials read from files may differ).
  void after_reload(std::function<void(const config::Config&)> hook) { after_reload_ = std::move(hook); }
  // The config file re-read on SIGHUP; empty when the daemon was given a config in memory.
  const std::string& config_path() const { return options_.config_path; }
  // The state database (the queue's too): the sync layer writes through it, so the jobs it
  // enqueues while applying a page commit in the same transaction as the page.
  store::Database& database() { return *db_; }
  // The configuration in force; replaced (not modified) by a successful reload.
  const config::Config& config() const { return config_; }
  // The webhook endpoint (`webhooks.listen`, R23): routes are added here, before or after
  // start(); the events they return are committed as refreshes before the answer goes out.
  WebhookListener& webhooks() { return webhooks_; }
  // Every coroutine of the daemon runs as one of these (tasks.hpp).
  Tasks& tasks() { return tasks_; }
  // Enqueues a job (max_attempts from the config) and wakes the runner.
  Result<std::int64_t> enqueue(queue::JobSpec spec);

  // Starts serving; READY=1 is sent when everything runs.
  Status start();
  void reload();
  void stop();

  // 0 after a clean stop, non-zero after a fatal error. Valid once io_context::run() returned.
  int exit_code() const { return exit_code_; }
  // False when io_context::run() returned with coroutines still running (they did not end
  // within a few seconds of being cancelled): destroying them now could touch objects already
  // gone, so the process must end without destructors. Valid once io_context::run() returned.
  bool drained() const { return drained_; }
  DaemonStatus status();
  // "unknown connection "x" (known: a, b)".
  std::string unknown_connection(std::string_view name) const;

 private:
  Daemon(boost::asio::io_context& io, config::Config config, DaemonOptions options, InstanceLock lock,
         std::unique_ptr<store::Database> db);
  void apply(config::Config next);
  // A registered AdminCommand, else handle_admin.
  boost::asio::awaitable<std::string> answer_admin(std::string request);
  std::string handle_admin(std::string_view request);
  // export, disable, enable (R12, R16).
  std::string handle_connection_command(const admin::Request& request);
  std::string handle_sync_now(const admin::Request& request);
  // jobs, job, retry (the queue) and conflicts, resolve (R17).
  std::string handle_jobs_command(const admin::Request& request);
  std::string handle_conflicts_command(const admin::Request& request);
  // R23: the events of one delivery as refreshes, and one refresh job per connection they name.
  Status commit_webhook_events(std::span<const webhook::Event> events);
  void record_delivery(const std::string& source, const std::string& outcome);
  void record_started(const queue::Job& job);
  void record_finished(const queue::Job& job, const Status& result);
  void fatal(const Error& error);
  void loop_failed(const std::string& loop);
  void shutdown(int exit_code);
  RunnerOptions runner_options() const;
  void warn_missing_handlers() const;

  // Everything below belongs to the io_context thread.
  boost::asio::io_context& io_;
  config::Config config_;
  // Connections a reload removed, as they were in force: their connectors outlive them, so a
  // connection added back keeps those settings until a restart.
  std::map<std::string, config::ConnectionConfig> retired_;
  DaemonOptions options_;
  Tasks tasks_;  // before every component that runs coroutines
  InstanceLock lock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<queue::JobQueue> queue_;
  HandlerRegistry handlers_;
  AdminCommands admin_commands_;
  std::function<void()> before_status_;
  std::function<std::string(const std::string&)> capsule_auth_;
  std::function<WebhookSubscriptionState(const std::string&)> webhook_subscriptions_;
  std::function<std::optional<engine::SyncProgress>(const std::string&)> sync_progress_;
  std::function<void(const config::Config&)> after_reload_;
  Notifier notifier_;
  Watchdog watchdog_;
  SignalWatcher signals_;
  Scheduler scheduler_;
  JobRunner runner_;
  AdminServer admin_;
  StatusReporter status_reporter_;
  MetricsServer metrics_;  // metrics_listen; fixed until a restart
  WebhookListener webhooks_;  // webhooks.listen; fixed until a restart
  std::map<std::string, SyncHistory> last_sync_;  // by connection
  // When the sync job of each (connection, kind) now running (or last run) started: a pull and
  // a Capsule poll of one connection may run at once.
  std::map<std::pair<std::string, std::string>, std::chrono::system_clock::time_point> sync_started_;
  bool stopping_ = false;
  bool shut_down_ = false;
  bool drained_ = true;
  boost::asio::steady_timer drain_timer_;  // bounds the wait for cancelled coroutines
  int exit_code_ = 0;
};

}  // namespace capsync::daemon
