#include "daemon/daemon.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <random>
#include <ranges>
#include <system_error>

#include <fmt/format.h>

#include "connectors/registry/registry.hpp"
#include "core/config/config.hpp"
#include "core/engine/conflicts_repo.hpp"
#include "core/engine/connection_store.hpp"
#include "core/engine/jobs.hpp"
#include "core/engine/mirror_repo.hpp"
#include "core/log/log.hpp"
#include "core/metrics/process_metrics.hpp"
#include "core/queue/job_queue.hpp"
#include "core/store/database.hpp"
#include "core/store/state_marker.hpp"
#include "core/webhook/delivery_log.hpp"
#include "core/webhook/refresh_store.hpp"
#include "daemon/admin_protocol.hpp"
#include "daemon/config_diff.hpp"
#include "daemon/metrics_page.hpp"
#include "daemon/webhook_status.hpp"
#include "daemon/webhook_subscriptions.hpp"

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

WebhookListener::Options webhook_options(const config::Config& config) {
  WebhookListener::Options o;
  if (!config.webhooks) return o;  // no listener
  o.listen = config.webhooks->listen;
  o.body_limit = static_cast<std::size_t>(config.webhooks->max_body);
  return o;
}

}  // namespace

Result<std::unique_ptr<Daemon>> Daemon::create(asio::io_context& io, config::Config config, DaemonOptions options) {
  if (auto s = prepare_state_dir(config.state_dir); !s) return s.error();
  auto lock = InstanceLock::acquire(config.state_dir);
  if (!lock) return lock.error();

  const std::string db_path = config.state_dir + "/capsync.db";
  store::DatabaseOptions db_options;
  db_options.synchronous = to_store(config.store.synchronous);
  if (auto s = store::check_state_database(db_path, options.accept_new_state); !s) return s.error();
  auto db = store::Database::open(db_path, db_options);
  if (!db) return db.error().with_context(fmt::format("cannot open the state database {}", db_path));
  if (auto s = store::mark_state_database(db_path); !s) return s.error();

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
      tasks_(io.get_executor(), [this](const std::string& loop, const std::string&) { loop_failed(loop); }),
      lock_(std::move(lock)),
      db_(std::move(db)),
      queue_(std::make_unique<queue::JobQueue>(
          *db_, queue::QueueOptions{.backoff_base_ms = milliseconds(config_.queue.backoff).count(),
                                    .backoff_cap_ms = milliseconds(config_.queue.backoff_cap).count()})),
      watchdog_(io.get_executor(), notifier_, tasks_),
      signals_(io.get_executor(), {.stop = [this] { stop(); }, .reload = [this] { reload(); }}, tasks_),
      scheduler_(io.get_executor(), [this](const queue::JobSpec& spec) { (void)enqueue(spec); }, tasks_),
      runner_(io.get_executor(), *db_, *queue_, handlers_, tasks_, make_owner(), runner_options()),
      admin_(io.get_executor(), {.path = config_.admin_socket, .group = config_.admin_socket_group},
             [this](std::string request) { return answer_admin(std::move(request)); }, tasks_),
      status_reporter_(io.get_executor(), notifier_, [this] { return status_line(status()); }),
      metrics_(io.get_executor(), {.listen = config_.metrics_listen.value_or("")},
               [this] {
                 if (before_status_) before_status_();  // budgets as they stand now
                 return metrics_page(*db_, config_, status(), capsule_auth_);
               },
               tasks_),
      webhooks_(io.get_executor(), webhook_options(config_),
                [this](std::span<const webhook::Event> events) { return commit_webhook_events(events); },
                [this](const std::string& source, const std::string& outcome, int) { record_delivery(source, outcome); },
                tasks_),
      drain_timer_(io.get_executor()) {
  runner_.on_started([this](const queue::Job& job) { record_started(job); });
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

Status Daemon::commit_webhook_events(std::span<const webhook::Event> events) {
  const std::int64_t now = unix_now_ms();
  auto tx = db_->begin();
  if (!tx) return tx.error();
  auto added = webhook::RefreshStore(*db_).add(events, now);
  if (!added) return added.error();
  for (const auto& connection : added->connections) {
    auto id = queue_->enqueue(webhook::refresh_job(connection, config_.queue.max_attempts), now);
    if (!id) return id.error();
  }
  // Beyond the cap the records are not known one by one: an ordinary sync finds them.
  for (const auto& connection : added->overflowed) {
    log::warning({.connection = connection}, "Too many webhook refreshes pending for connection {}; an ordinary "
                 "sync reads the changes instead", connection);
    auto spec = periodic_job(kind_pull, connection);
    spec.max_attempts = config_.queue.max_attempts;
    if (auto id = queue_->enqueue(spec, now); !id) return id.error();
  }
  if (auto s = tx->commit(); !s) {
    if (db_->fatal_error()) fatal(*db_->fatal_error());
    return s;
  }
  runner_.wake();
  status_reporter_.changed();
  return {};
}

void Daemon::record_delivery(const std::string& source, const std::string& outcome) {
  metrics::process_metrics().webhook_deliveries.with({source, outcome}).inc();
  if (auto s = webhook::DeliveryLog(*db_).record(source, outcome, unix_now_ms()); !s)
    log::warning({}, "Failed to record a webhook delivery from {}: {}, ignoring", source, s.error());
}

void Daemon::warn_missing_handlers() const {
  for (std::string_view kind : {kind_pull, kind_capsule_poll, kind_full_reconcile})
    if (handlers_.find(kind) == nullptr)
      log::warning({}, "No handler is registered for job kind {}; such jobs will fail until one is", kind);
}

Status Daemon::start() {
  if (auto s = admin_.start(); !s) return s.error().with_context("cannot start the admin socket");
  if (auto s = metrics_.start(); !s) return s.error().with_context("cannot start the metrics endpoint");
  if (auto s = webhooks_.start(); !s) return s.error().with_context("cannot start the webhook listener");
  warn_missing_handlers();
  signals_.start();
  scheduler_.apply(config_.connections);
  runner_.start();
  watchdog_.start();
  log::info({}, "capsyncd started: {}", config::summary(config_));
  for (const auto& note : config::shared_capsule_notes(config_)) log::notice({}, "{}", note);
  const std::string line = status_line(status());
  notifier_.ready(line);
  status_reporter_.sent_now(line);
  return {};
}

void Daemon::reload() {
  if (stopping_) return;
  notifier_.reloading();
  auto loaded = config::load_file(options_.config_path, registry::catalog());
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
  // A connection's connectors are built once from the settings in force; a reload must not
  // claim a new URL or client is used when the old one still is.
  std::vector<std::string> kept;
  for (auto& c : next.connections) {
    const auto same = [&](const config::ConnectionConfig& r) { return r.name == c.name; };
    const config::ConnectionConfig* running = nullptr;
    if (auto it = std::find_if(config_.connections.begin(), config_.connections.end(), same);
        it != config_.connections.end()) {
      running = &*it;
    } else if (auto r = retired_.find(c.name); r != retired_.end()) {
      running = &r->second;
    }
    if (running == nullptr) continue;
    for (auto& line : keep_restart_settings(*running, c)) kept.push_back(fmt::format("connection {}: {}", c.name, line));
  }
  for (const auto& c : config_.connections) {
    if (std::none_of(next.connections.begin(), next.connections.end(),
                     [&](const config::ConnectionConfig& n) { return n.name == c.name; }))
      retired_.insert_or_assign(c.name, c);
  }
  const auto changes = describe_changes(config_, next);
  log::configure(next.log_level);
  config_ = std::move(next);
  // Connections that are gone keep no "last sync" in the status.
  std::erase_if(last_sync_, [this](const auto& entry) {
    return std::none_of(config_.connections.begin(), config_.connections.end(),
                        [&](const config::ConnectionConfig& c) { return c.name == entry.first; });
  });
  if (after_reload_) after_reload_(config_);
  scheduler_.apply(config_.connections);
  runner_.set_options(runner_options());
  for (const auto& line : kept) log::warning({}, "Reloaded configuration: {}", line);
  if (changes.empty() && kept.empty()) {
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
  if (shut_down_) return;
  log::critical({}, "Failed to use the state database {}: {}; stopping so that the service manager restarts "
                "capsyncd", db_->path(), error);
  stopping_ = true;
  notifier_.stopping("fatal store error");
  shutdown(1);
}

void Daemon::loop_failed(const std::string& loop) {
  if (shut_down_) return;
  log::critical({}, "Stopping so that the service manager restarts capsyncd, since {} cannot go on", loop);
  stopping_ = true;
  notifier_.stopping(fmt::format("{} failed", loop));
  shutdown(1);
}

namespace {
// How long cancelled coroutines get to unwind (each ends at its next suspension point).
constexpr std::chrono::seconds kDrainTimeout{5};
}  // namespace

void Daemon::shutdown(int exit_code) {
  if (shut_down_) return;
  shut_down_ = true;
  exit_code_ = exit_code;
  runner_.abandon();  // jobs still running go back to ready, no attempt counted
  status_reporter_.stop();
  scheduler_.stop();
  watchdog_.stop();
  signals_.stop();
  admin_.stop();
  metrics_.stop();
  // Every coroutine ends here, while everything it refers to (the engine's connection locks,
  // the store) still exists; the loop stops once the last one has.
  tasks_.cancel_all();
  drain_timer_.expires_after(kDrainTimeout);
  drain_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    log::error({}, "Failed to stop {} coroutine(s) within {} s of cancelling them; exiting without them",
               tasks_.running(), kDrainTimeout.count());
    drained_ = false;
    io_.stop();
  });
  tasks_.when_idle([this] {
    drain_timer_.cancel();
    io_.stop();
  });
}

namespace {

bool is_sync(const queue::Job& job) {
  return job.kind == kind_pull || job.kind == kind_capsule_poll || job.kind == kind_full_reconcile;
}

}  // namespace

void Daemon::record_started(const queue::Job& job) {
  if (is_sync(job)) sync_started_[{job.connection, job.kind}] = std::chrono::system_clock::now();
}

void Daemon::record_finished(const queue::Job& job, const Status& result) {
  if (is_sync(job)) {
    LastSync last;
    if (auto started = sync_started_.find({job.connection, job.kind}); started != sync_started_.end()) {
      last.started_at = started->second;
      sync_started_.erase(started);
    }
    last.at = std::chrono::system_clock::now();
    last.ok = result.ok();
    last.error = result.ok() ? std::string{} : result.error().message();
    last.kind = job.kind;
    last_sync_[job.connection].record(std::move(last));
  }
  status_reporter_.changed();
}

DaemonStatus Daemon::status() {
  DaemonStatus s;
  s.stopping = stopping_;
  if (const auto& full = db_->storage_full()) s.paused = full->message();
  if (auto total = queue_->counts(); total) s.queue = *total;
  for (const auto& c : config_.connections) {
    ConnectionStatus cs;
    cs.name = c.name;
    cs.provider = std::string(c.accounting.provider.name);
    cs.enabled = c.enabled && !engine::DisableState(*db_).stopped(c.name);
    if (auto counts = queue_->counts(c.name); counts) cs.queue = *counts;
    if (auto it = last_sync_.find(c.name); it != last_sync_.end()) cs.last_sync = it->second.last();
    // A start whose job was deferred by a rate limit (never finished) is not "running".
    if (cs.queue.running > 0)
      for (auto it = sync_started_.lower_bound({c.name, ""}); it != sync_started_.end() && it->first.first == c.name; ++it)
        cs.sync_running_since = std::min(cs.sync_running_since.value_or(it->second), it->second);
    cs.rate_limited = runner_.rate_limited(c.name);
    if (sync_progress_) cs.progress = sync_progress_(c.name);
    s.connections.push_back(std::move(cs));
  }
  s.webhooks = webhook_status(*db_, config_, std::chrono::system_clock::now());
  return s;
}

asio::awaitable<std::string> Daemon::answer_admin(std::string request) {
  if (const AdminCommand* found = admin_commands_.find(command_of(request))) {
    // A copy: the coroutine may refer to the callable's captures for as long as it runs.
    AdminCommand command = *found;
    co_return co_await command(std::move(request));
  }
  co_return handle_admin(request);
}

std::string Daemon::handle_admin(std::string_view request) {
  auto parsed = admin::parse_request(request);
  if (!parsed) return admin::error_response(parsed.error().message());
  switch (parsed->command) {
    case admin::Command::status: {
      if (before_status_) before_status_();
      auto current = status();
      std::vector<ConnectionReport> reports;
      const auto now = std::chrono::system_clock::now();
      for (const auto& c : config_.connections) {
        reports.push_back(read_connection_report(*db_, c, now));
        if (capsule_auth_) reports.back().capsule_auth = capsule_auth_(c.name);
        if (webhook_subscriptions_) reports.back().webhooks = webhook_subscriptions_(c.name);
        // A connection no longer in the config shares nothing any more.
        std::erase_if(reports.back().shares_capsule_with, [this](const std::string& other) {
          return std::none_of(config_.connections.begin(), config_.connections.end(),
                              [&](const config::ConnectionConfig& cc) { return cc.name == other; });
        });
      }
      const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
      for (std::size_t i = 0; i < current.connections.size() && i < reports.size(); ++i) {
        auto& c = current.connections[i];
        if (c.progress) c.eta = engine::estimate_eta(*c.progress, budget_windows(reports[i].budgets), c.provider, now_ms);
      }
      return admin::status_response(current, reports);
    }
    case admin::Command::sync_now:
      return handle_sync_now(*parsed);
    case admin::Command::jobs:
    case admin::Command::job:
    case admin::Command::retry:
      return handle_jobs_command(*parsed);
    case admin::Command::conflicts:
    case admin::Command::resolve:
      return handle_conflicts_command(*parsed);
    case admin::Command::export_party:
    case admin::Command::disable:
    case admin::Command::enable:
      return handle_connection_command(*parsed);
  }
  return admin::error_response("unhandled command");
}

std::string Daemon::unknown_connection(std::string_view name) const {
  std::vector<std::string_view> known;
  for (const auto& c : config_.connections) known.push_back(c.name);
  return fmt::format("unknown connection \"{}\" (known: {})", name,
                     known.empty() ? std::string("none") : fmt::format("{}", fmt::join(known, ", ")));
}

std::string Daemon::handle_sync_now(const admin::Request& request) {
  if (stopping_) return admin::error_response("capsyncd is stopping");
  std::vector<std::string> names;
  engine::DisableState states(*db_);
  for (const auto& c : config_.connections) {
    if (!request.connection.empty() && c.name != request.connection) continue;
    const bool stopped = !c.enabled || states.stopped(c.name);
    if (stopped && !request.connection.empty())
      return admin::error_response(fmt::format("connection \"{}\" is disabled{}", c.name,
                                               c.enabled ? fmt::format(" (capsyncctl enable {})", c.name)
                                                         : std::string(" in the config")));
    if (!stopped) names.push_back(c.name);
  }
  if (!request.connection.empty() && names.empty())
    return admin::error_response(unknown_connection(request.connection));
  if (!request.connection.empty()) {
    const auto auth = read_auth_state(*db_, request.connection);
    if (auth == "needs_authorization" || auth == "credentials_rejected")
      return admin::error_response(fmt::format("connection \"{}\" needs authorization ({}): run `capsyncctl connect "
                                               "{}`",
                                               request.connection, auth, request.connection));
  }
  if (names.empty()) return admin::error_response("no connection is enabled");
  std::vector<std::int64_t> jobs;
  for (const auto& name : names) {
    queue::JobSpec spec = periodic_job(request.full ? kind_full_reconcile : kind_pull, name);
    spec.priority = 10;  // an operator is waiting for it
    auto id = enqueue(std::move(spec));
    if (!id) return admin::error_response(fmt::format("cannot enqueue the sync: {}", id.error().message()));
    log::info({.connection = name}, "{} of connection {} requested over the admin socket (job {})",
              request.full ? "Full sync" : "Sync", name, *id);
    jobs.push_back(*id);
  }
  return admin::sync_now_response(jobs);
}

std::string Daemon::handle_jobs_command(const admin::Request& request) {
  if (request.command == admin::Command::jobs) {
    if (!request.connection.empty() &&
        std::none_of(config_.connections.begin(), config_.connections.end(),
                     [&](const config::ConnectionConfig& c) { return c.name == request.connection; }))
      return admin::error_response(unknown_connection(request.connection));
    queue::JobFilter filter;
    if (!request.connection.empty()) filter.connection = request.connection;
    std::vector<queue::Job> jobs;
    // Without --dead: what is waiting or running, then what failed for good.
    std::vector<queue::JobState> states{queue::JobState::dead};
    if (!request.dead) states = {queue::JobState::running, queue::JobState::ready, queue::JobState::dead};
    for (auto state : states) {
      filter.state = state;
      auto listed = queue_->list(filter);
      if (!listed) return admin::error_response(fmt::format("cannot list jobs: {}", listed.error().message()));
      jobs.insert(jobs.end(), listed->begin(), listed->end());
    }
    return admin::jobs_response(jobs);
  }
  if (request.command == admin::Command::job) {
    auto job = queue_->get(request.id);
    if (!job) return admin::error_response(fmt::format("cannot read job {}: {}", request.id, job.error().message()));
    if (!*job)
      return admin::error_response(fmt::format("no job {} (done jobs are kept for queue.retention)", request.id));
    return admin::jobs_response({**job});
  }
  int retried = 0;
  if (request.all_dead) {
    auto n = queue_->retry_all_dead(unix_now_ms());
    if (!n) return admin::error_response(fmt::format("cannot retry the dead jobs: {}", n.error().message()));
    retried = *n;
  } else {
    auto job = queue_->get(request.id);
    if (!job) return admin::error_response(fmt::format("cannot read job {}: {}", request.id, job.error().message()));
    if (!*job) return admin::error_response(fmt::format("no job {}", request.id));
    if ((*job)->state != queue::JobState::dead)
      return admin::error_response(fmt::format("job {} is {}, not dead; only dead jobs are retried", request.id,
                                               queue::to_string((*job)->state)));
    if (auto s = queue_->retry_dead(request.id, unix_now_ms()); !s)
      return admin::error_response(fmt::format("cannot retry job {}: {}", request.id, s.error().message()));
    retried = 1;
  }
  if (retried > 0) {
    log::notice({}, "{} dead job(s) retried over the admin socket", retried);
    runner_.wake();
    status_reporter_.changed();
  }
  return admin::retry_response(retried);
}

std::string Daemon::handle_conflicts_command(const admin::Request& request) {
  if (request.command == admin::Command::conflicts) {
    std::vector<admin::ConflictView> views;
    bool found = request.connection.empty();
    for (const auto& c : config_.connections) {
      if (!request.connection.empty() && c.name != request.connection) continue;
      found = true;
      engine::PartyMirror parties(*db_, c.name);
      engine::ContactMirror contacts(*db_, c.name);
      auto open = engine::ConflictsRepo(*db_, c.name).open();
      if (!open) return admin::error_response(fmt::format("cannot read conflicts: {}", open.error().message()));
      for (auto& stored : *open) {
        admin::ConflictView v;
        v.id = stored.id;
        v.connection = c.name;
        v.kind = stored.kind;
        v.remote_id = stored.remote_id;
        v.detail = stored.detail;
        v.created_at = std::chrono::system_clock::time_point(milliseconds(stored.created_at_ms));
        for (auto part : std::views::split(std::string_view(stored.capsule_id), ',')) {
          std::string id(part.begin(), part.end());
          if (id.empty()) continue;
          std::string name;
          if (std::int64_t n = 0; std::from_chars(id.data(), id.data() + id.size(), n).ec == std::errc{})
            if (auto p = parties.get(n); p && *p) name = (*p)->display_name();
          v.capsule_ids.push_back(std::move(id));
          v.capsule_names.push_back(std::move(name));
        }
        if (!stored.remote_id.empty())
          if (auto contact = contacts.get(stored.remote_id); contact && *contact)
            v.remote_name = (*contact)->display_name();
        views.push_back(std::move(v));
      }
    }
    if (!found) return admin::error_response(unknown_connection(request.connection));
    return admin::conflicts_response(views);
  }
  auto conflict = engine::ConflictsRepo::find_open(*db_, request.id);
  if (!conflict)
    return admin::error_response(fmt::format("cannot read conflict {}: {}", request.id, conflict.error().message()));
  if (!*conflict) return admin::error_response(fmt::format("no open conflict {} (capsyncctl conflicts lists them)",
                                                           request.id));
  const auto& c = **conflict;
  if (request.ignore) {
    if (auto s = engine::ConflictsRepo::resolve(*db_, c.id, true, unix_now_ms()); !s)
      return admin::error_response(fmt::format("cannot ignore conflict {}: {}", c.id, s.error().message()));
    log::notice({.connection = c.connection}, "Conflict {} ({}) ignored over the admin socket", c.id, c.kind);
    return admin::resolve_response("ignored");
  }
  if (c.remote_id.empty())
    return admin::error_response(fmt::format("conflict {} names no accounting contact to link; resolve it with "
                                             "--ignore once it is fixed by hand", c.id));
  if (auto s = engine::ConflictsRepo::resolve_by_link(*db_, c, request.link, unix_now_ms()); !s)
    return admin::error_response(s.error().message());
  log::notice({.connection = c.connection}, "Conflict {} resolved over the admin socket: accounting contact {} linked "
              "to Capsule party {}", c.id, c.remote_id, request.link);
  // The next sync writes the new link's summary and invoices.
  (void)enqueue(periodic_job(kind_pull, c.connection));
  return admin::resolve_response("linked");
}

std::string Daemon::handle_connection_command(const admin::Request& request) {
  const auto& name = request.connection;
  auto it = std::find_if(config_.connections.begin(), config_.connections.end(),
                         [&](const config::ConnectionConfig& c) { return c.name == name; });
  if (it == config_.connections.end()) return admin::error_response(unknown_connection(name));
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
      (void)enqueue(webhooks_remove_job(name));  // R25, R26; a failure is logged by enqueue
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
        (void)enqueue(webhooks_subscribe_job(name));  // R25, R26
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
