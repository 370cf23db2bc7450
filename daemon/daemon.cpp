#include "daemon/daemon.hpp"

#include <unistd.h>

#include <filesystem>
#include <random>
#include <system_error>

#include <fmt/format.h>

#include "core/config/config.hpp"
#include "core/engine/disable_job.hpp"
#include "core/engine/disable_state.hpp"
#include "core/engine/export_job.hpp"
#include "core/log/log.hpp"
#include "core/queue/job_queue.hpp"
#include "core/store/database.hpp"
#include "daemon/admin_protocol.hpp"
#include "daemon/config_diff.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

store::Synchronous to_store(config::Synchronous s) {
  switch (s) {
    case config::Synchronous::off:
      return store::Synchronous::off;
    case config::Synchronous::full:
      return store::Synchronous::full;
    case config::Synchronous::normal:
      break;
  }
  return store::Synchronous::normal;
}

// Unique per process start, so leases of a crashed run are never mistaken for ours.
std::string make_owner() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  std::random_device rd;
  return fmt::format("capsyncd:{}:{}:{:08x}", host, getpid(), rd());
}

Status prepare_state_dir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::create_directories(dir, ec)) {
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  }
  if (ec) return make_error(Errc::io, "cannot create state_dir {}: {}", dir, ec.message());
  return {};
}

}  // namespace

Result<std::unique_ptr<Daemon>> Daemon::create(asio::io_context& io, config::Config config, DaemonOptions options) {
  if (auto s = prepare_state_dir(config.state_dir); !s) return s.error();
  auto lock = InstanceLock::acquire(config.state_dir);
  if (!lock) return lock.error();

  const std::string db_path = config.state_dir + "/capsync.db";
  store::DatabaseOptions db_options;
  db_options.synchronous = to_store(config.store.synchronous);
  auto db = store::Database::open(db_path, db_options);
  if (!db) return db.error().with_context(fmt::format("cannot open the state database {}", db_path));

  std::unique_ptr<Daemon> daemon(
      new Daemon(io, std::move(config), std::move(options), std::move(*lock), std::move(*db)));
  // We hold the instance lock, so a running job can only belong to a run that died: it is
  // ready again now rather than when its lease would have ended.
  auto recovered = daemon->queue_->recover_all(unix_now_ms());
  if (!recovered) return recovered.error().with_context("cannot recover jobs with expired leases");
  if (*recovered > 0) log::notice({}, "Returned {} job(s) left by an earlier run to the queue", *recovered);
  return daemon;
}

Daemon::Daemon(asio::io_context& io, config::Config config, DaemonOptions options, InstanceLock lock,
               std::unique_ptr<store::Database> db)
    : io_(io),
      config_(std::move(config)),
      options_(std::move(options)),
      lock_(std::move(lock)),
      db_(std::move(db)),
      queue_(std::make_unique<queue::JobQueue>(*db_)),
      watchdog_(io.get_executor(), notifier_),
      signals_(io.get_executor(), {.stop = [this] { stop(); }, .reload = [this] { reload(); }}),
      scheduler_(io.get_executor(), [this](const queue::JobSpec& spec) { (void)enqueue(spec); }),
      runner_(io.get_executor(), *db_, *queue_, handlers_, make_owner(), runner_options()),
      admin_(io.get_executor(), {.path = config_.admin_socket, .group = config_.admin_socket_group},
             [this](std::string_view request) { return handle_admin(request); }),
      status_reporter_(io.get_executor(), notifier_, [this] { return status_line(status()); }) {
  runner_.on_finished([this](const queue::Job& job, const Status& result) { record_finished(job, result); });
  runner_.on_fatal([this](const Error& error) { fatal(error); });
  runner_.on_change([this] { status_reporter_.changed(); });
  scheduler_.skip_when([this](std::string_view name) { return engine::DisableState(*db_).stopped(name); });
}

Daemon::~Daemon() = default;

RunnerOptions Daemon::runner_options() const {
  RunnerOptions o;
  o.max_running = std::max(1, options_.max_running_jobs);
  o.lease = std::chrono::duration_cast<milliseconds>(config_.queue.lease);
  o.retention = std::chrono::duration_cast<milliseconds>(config_.queue.retention);
  o.maintenance_period = maintenance_period_for(o.lease);
  return o;
}

Result<std::int64_t> Daemon::enqueue(queue::JobSpec spec) {
  spec.max_attempts = config_.queue.max_attempts;
  auto id = queue_->enqueue(spec, unix_now_ms());
  if (!id) {
    if (db_->fatal_error()) {
      fatal(*db_->fatal_error());
    } else {
      log::warning({.connection = spec.connection}, "Failed to enqueue a {} job for connection {}: {}", spec.kind,
                   spec.connection, id.error());
    }
    return id;
  }
  runner_.wake();
  status_reporter_.changed();
  return id;
}

void Daemon::warn_missing_handlers() const {
  for (std::string_view kind : {kind_pull, kind_capsule_poll, kind_full_reconcile})
    if (handlers_.find(kind) == nullptr)
      log::warning({}, "No handler is registered for job kind {}; such jobs will fail until one is", kind);
}

Status Daemon::start() {
  if (auto s = admin_.start(); !s) return s.error().with_context("cannot start the admin socket");
  warn_missing_handlers();
  signals_.start();
  scheduler_.apply(config_.connections);
  runner_.start();
  watchdog_.start();
  log::info({}, "capsyncd started: {}", config::summary(config_));
  const std::string line = status_line(status());
  notifier_.ready(line);
  status_reporter_.sent_now(line);
  return {};
}

void Daemon::reload() {
  if (stopping_) return;
  notifier_.reloading();
  auto loaded = config::load_file(options_.config_path);
  if (!loaded.ok()) {
    std::vector<std::string> errors;
    for (const auto& d : loaded.diagnostics) errors.push_back(d.to_string());
    log::error({}, "Failed to reload configuration, keeping the previous one: {}", fmt::join(errors, "; "));
  } else {
    for (const auto& d : loaded.diagnostics) log::warning({}, "{}", d.to_string());
    apply(std::move(*loaded.config));
  }
  const std::string line = status_line(status());
  notifier_.ready(line);
  status_reporter_.sent_now(line);
}

void Daemon::apply(config::Config next) {
  const auto changes = describe_changes(config_, next);
  log::configure(next.log_level);
  config_ = std::move(next);
  // Connections that are gone keep no "last sync" in the status.
  std::erase_if(last_sync_, [this](const auto& entry) {
    return std::none_of(config_.connections.begin(), config_.connections.end(),
                        [&](const config::ConnectionConfig& c) { return c.name == entry.first; });
  });
  scheduler_.apply(config_.connections);
  runner_.set_options(runner_options());
  if (changes.empty()) {
    log::info({}, "Reloaded configuration, nothing changed");
  } else {
    for (const auto& change : changes) log::info({}, "Reloaded configuration: {}", change);
  }
  warn_missing_handlers();
}

void Daemon::stop() {
  if (stopping_) return;
  stopping_ = true;
  notifier_.stopping(status_line(status()));
  scheduler_.stop();
  runner_.stop(std::chrono::duration_cast<milliseconds>(config_.shutdown_grace), [this](int unfinished) {
    if (unfinished == 0) log::info({}, "Stopped cleanly");
    shutdown(0);
  });
}

void Daemon::fatal(const Error& error) {
  if (exit_code_ != 0) return;
  log::critical({}, "Failed to use the state database {}: {}; stopping so that the service manager restarts "
                "capsyncd", db_->path(), error);
  stopping_ = true;
  notifier_.stopping("fatal store error");
  shutdown(1);
}

void Daemon::shutdown(int exit_code) {
  exit_code_ = exit_code;
  status_reporter_.stop();
  scheduler_.stop();
  watchdog_.stop();
  signals_.stop();
  admin_.stop();
  io_.stop();
}

void Daemon::record_finished(const queue::Job& job, const Status& result) {
  if (job.kind == kind_pull || job.kind == kind_capsule_poll || job.kind == kind_full_reconcile) {
    LastSync& last = last_sync_[job.connection];
    last.at = std::chrono::system_clock::now();
    last.ok = result.ok();
    last.error = result.ok() ? std::string{} : result.error().message();
  }
  status_reporter_.changed();
}

DaemonStatus Daemon::status() {
  DaemonStatus s;
  s.stopping = stopping_;
  if (auto total = queue_->counts(); total) s.queue = *total;
  for (const auto& c : config_.connections) {
    ConnectionStatus cs;
    cs.name = c.name;
    cs.provider = std::string(config::to_string(c.accounting.provider));
    cs.enabled = c.enabled && !engine::DisableState(*db_).stopped(c.name);
    if (auto counts = queue_->counts(c.name); counts) cs.queue = *counts;
    if (auto it = last_sync_.find(c.name); it != last_sync_.end()) cs.last_sync = it->second;
    s.connections.push_back(std::move(cs));
  }
  return s;
}

std::string Daemon::handle_admin(std::string_view request) {
  auto parsed = admin::parse_request(request);
  if (!parsed) return admin::error_response(parsed.error().message());
  switch (parsed->command) {
    case admin::Command::status:
      return admin::status_response(status());
    case admin::Command::sync_now: {
      const auto& name = parsed->connection;
      auto it = std::find_if(config_.connections.begin(), config_.connections.end(),
                             [&](const config::ConnectionConfig& c) { return c.name == name; });
      if (it == config_.connections.end()) return admin::error_response(fmt::format("unknown connection \"{}\"", name));
      if (!it->enabled) return admin::error_response(fmt::format("connection \"{}\" is disabled", name));
      if (stopping_) return admin::error_response("capsyncd is stopping");
      queue::JobSpec spec = periodic_job(kind_pull, name);
      spec.priority = 10;  // an operator is waiting for it
      auto id = enqueue(std::move(spec));
      if (!id) return admin::error_response(fmt::format("cannot enqueue the sync: {}", id.error().message()));
      log::info({.connection = name}, "Sync of connection {} requested over the admin socket (job {})", name, *id);
      return admin::sync_now_response(*id);
    }
    case admin::Command::export_party:
    case admin::Command::disable:
    case admin::Command::enable:
      return handle_connection_command(*parsed);
  }
  return admin::error_response("unhandled command");
}

std::string Daemon::handle_connection_command(const admin::Request& request) {
  const auto& name = request.connection;
  auto it = std::find_if(config_.connections.begin(), config_.connections.end(),
                         [&](const config::ConnectionConfig& c) { return c.name == name; });
  if (it == config_.connections.end()) return admin::error_response(fmt::format("unknown connection \"{}\"", name));
  if (stopping_) return admin::error_response("capsyncd is stopping");
  engine::DisableState states(*db_);
  auto state = states.get(name);
  if (!state) return admin::error_response(fmt::format("cannot read the state of connection {}: {}", name,
                                                       state.error().message()));
  switch (request.command) {
    case admin::Command::export_party: {
      if (!it->enabled) return admin::error_response(fmt::format("connection \"{}\" is disabled in the config", name));
      if (*state != engine::ConnectionState::active)
        return admin::error_response(fmt::format("connection \"{}\" is {} (capsyncctl enable {} first)", name,
                                                 engine::to_string(*state), name));
      auto id = enqueue(engine::export_job(name, request.party_id));
      if (!id) return admin::error_response(fmt::format("cannot enqueue the export: {}", id.error().message()));
      log::info({.connection = name}, "Export of Capsule party {} on connection {} requested over the admin socket "
                "(job {})", request.party_id, name, *id);
      return admin::job_response(*id);
    }
    case admin::Command::disable: {
      // Disabling at once: no pull or poll is scheduled from now on, even before the job runs.
      if (auto s = states.mark(name, engine::ConnectionState::disabling, unix_now_ms()); !s)
        return admin::error_response(fmt::format("cannot disable connection {}: {}", name, s.error().message()));
      auto id = enqueue(engine::disable_job(name));
      if (!id) return admin::error_response(fmt::format("cannot enqueue the disable: {}", id.error().message()));
      log::notice({.connection = name}, "Disabling connection {} as requested over the admin socket (job {})", name,
                  *id);
      status_reporter_.changed();
      return admin::job_response(*id);
    }
    case admin::Command::enable: {
      if (*state == engine::ConnectionState::disabling) {
        queue::JobFilter filter;
        filter.connection = name;
        filter.kind = std::string(engine::kind_disable);
        for (auto job_state : {queue::JobState::ready, queue::JobState::running}) {
          filter.state = job_state;
          auto pending = queue_->list(filter);
          if (pending && !pending->empty())
            return admin::error_response(fmt::format("connection \"{}\" is still being disabled (job {}); enable it "
                                                     "once that job is done",
                                                     name, pending->front().id));
        }
      }
      auto was = states.enable(name);
      if (!was)
        return admin::error_response(fmt::format("cannot enable connection {}: {}", name, was.error().message()));
      std::vector<std::int64_t> jobs;
      if (*was != engine::ConnectionState::active) {
        for (std::string_view kind : {kind_pull, kind_capsule_poll})
          if (auto id = enqueue(periodic_job(kind, name)); id) jobs.push_back(*id);
        log::notice({.connection = name}, "Enabled connection {} again over the admin socket; syncing resumes", name);
      }
      status_reporter_.changed();
      return admin::enable_response(engine::to_string(*was), jobs);
    }
    default:
      break;
  }
  return admin::error_response("unhandled command");
}

}  // namespace capsync::daemon
