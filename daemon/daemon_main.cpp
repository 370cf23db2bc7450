#include "daemon/daemon_main.hpp"

#include <sysexits.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "connectors/registry/live_connectors.hpp"
#include "connectors/registry/registry.hpp"
#include "core/config/config.hpp"
#include "core/engine/sync_engine.hpp"
#include "core/log/log.hpp"
#include "core/oauth/sqlite_token_store.hpp"
#include "core/version/version.hpp"
#include "daemon/admin_plan.hpp"
#include "daemon/admin_status.hpp"
#include "daemon/connect_handler.hpp"
#include "daemon/daemon.hpp"
#include "daemon/export_preview.hpp"
#include "daemon/handler_registry.hpp"
#include "daemon/progress_journal.hpp"
#include "daemon/capsule_webhook_route.hpp"
#include "daemon/freshbooks_webhook_route.hpp"
#include "daemon/job_runner.hpp"
#include "daemon/silence_journal.hpp"
#include "daemon/webhook_subscriptions.hpp"
#include "daemon/xero_webhook_route.hpp"

namespace capsync::daemon {

namespace {

// Every diagnostic on stderr (the journal, under systemd), so one run shows all problems.
void print_diagnostics(const config::LoadResult& loaded) {
  for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", d.to_string());
}

int check_config(const std::string& path) {
  const auto loaded = config::load_file(path, registry::catalog());
  print_diagnostics(loaded);
  if (!loaded.ok()) return 1;
  fmt::print("{}\n", config::summary(*loaded.config));
  for (const auto& note : config::shared_capsule_notes(*loaded.config)) fmt::print("{}\n", note);
  return 0;
}

// After a reload: a refusal recorded by `connect` was of the connection's old login. The new
// one is tried by the next job, and `sync-now` must not keep refusing on the old one's account.
void forget_refused_logins(registry::LiveConnectors& connectors, store::Database& db, const config::Config& config) {
  oauth::SqliteTokenStore tokens(db);
  for (const auto& c : config.connections) {
    if (!connectors.update_credentials(c)) continue;
    auto state = tokens.state(c.name);
    if (!state || *state != oauth::TokenState::credentials_rejected) continue;
    if (auto s = tokens.set_state(c.name, oauth::TokenState::ok); !s)
      log::warning({.connection = c.name}, "Failed to clear the refused login of {}: {}, ignoring", c.name, s.error());
  }
}

// R27: after a poll, a webhook source that stayed silent while the poll found changes is
// written to the journal once per episode.
engine::JobHandler silence_checked(engine::JobHandler pull, Daemon& d, SilenceJournal& silence) {
  return [pull = std::move(pull), &d, &silence](const queue::Job& job) -> boost::asio::awaitable<Status> {
    auto s = co_await pull(job);
    if (s) silence.check(d.database(), d.config(), std::chrono::system_clock::now());
    co_return s;
  };
}

}  // namespace

int daemon_main(int argc, char** argv, const ProgramOptions& options) {
  CLI::App app{"capsyncd: keeps Capsule CRM in step with an accounting service"};
  std::string config_path, check_path;
  app.add_option("--config", config_path, "Configuration file")->option_text("FILE");
  app.add_option("--check-config", check_path, "Validate FILE, print every problem, and exit")
      ->option_text("FILE")
      ->excludes("--config");
  bool accept_new_state = false;
  app.add_flag("--accept-new-state", accept_new_state,
               "Start with a new, empty state database although the one capsyncd used before is empty or missing");
  app.set_version_flag("--version", "capsyncd " + std::string(version::full));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help and --version exit 0; bad usage 2, as capsyncctl
  }

  if (!check_path.empty()) return check_config(check_path);
  if (config_path.empty()) {
    fmt::print(stderr, "capsyncd: --config FILE is required (or --check-config FILE)\n");
    return 2;
  }

  auto loaded = config::load_file(config_path, registry::catalog());
  print_diagnostics(loaded);
  if (!loaded.ok()) {
    fmt::print(stderr, "capsyncd: Failed to load configuration {}, not starting\n", config_path);
    // The units do not restart on EX_CONFIG (RestartPreventExitStatus=): a file that is not
    // filled in yet, as the package installs it, fails the service once instead of every 5 s.
    return EX_CONFIG;
  }
  log::configure(loaded.config->log_level);

  boost::asio::io_context io(1);
  auto daemon = Daemon::create(io, std::move(*loaded.config), {.config_path = config_path, .accept_new_state = accept_new_state});
  if (!daemon) {
    log::critical({}, "Failed to start: {}", daemon.error());
    return 1;
  }
  // The engine writes through the daemon's connection: a push job it enqueues while applying
  // a page commits with that page. No engine transaction spans a co_await, so the queue's own
  // statements never land inside one.
  auto& d = **daemon;
  registry::LiveConnectors connectors(io.get_executor(), d.database(), d.config().ca_file.value_or(""));
  // Progress of the running syncs: status, the metrics and a journal line once a minute.
  engine::ProgressBoard progress;
  ProgressJournal journal(
      [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      },
      [&d, &connectors](const std::string& name, const engine::SyncProgress& p) -> std::optional<engine::Eta> {
        for (const auto& c : d.config().connections)
          if (c.name == name) {
            connectors.flush_budgets();
            return read_sync_eta(d.database(), c, p, std::chrono::system_clock::now());
          }
        return std::nullopt;
      });
  progress.observe([&journal](const std::string& name, const engine::SyncProgress& p) { journal.update(name, p); });
  d.sync_progress([&progress](const std::string& name) { return progress.find(name); });
  auto engine = engine::SyncEngine::create(
      io.get_executor(), d.database(), connectors,
      {.find_connection = [&d](std::string_view name) -> const config::ConnectionConfig* {
         for (const auto& c : d.config().connections)
           if (c.name == name) return &c;
         return nullptr;
       },
       .enqueue = [&d](queue::JobSpec spec) { return d.enqueue(std::move(spec)); },
       .now_ms = {},
       .progress = &progress});
  if (!engine) {
    log::critical({}, "Failed to start the sync engine: {}", engine.error());
    return 1;
  }
  d.before_status([&connectors] { connectors.flush_budgets(); });
  SilenceJournal silence;  // R27: after each poll
  d.capsule_auth([&connectors](const std::string& connection) { return connectors.capsule_auth(connection); });
  std::optional<XeroWebhookRoute>* xero_route = nullptr;  // set below, once the route exists
  // R26: Capsule REST hooks of the connections with a registered Capsule app, by their path token.
  CapsuleWebhookRoute capsule_webhooks;
  capsule_webhooks.serve(d.config().connections);
  d.webhooks().add_route(capsule_webhooks.route());
  // R25: FreshBooks callbacks of each FreshBooks connection, by their path token.
  FreshBooksWebhookRoute freshbooks_webhooks(
      d.database(), [&d](queue::JobSpec spec) { return d.enqueue(std::move(spec)); }, unix_now_ms);
  freshbooks_webhooks.serve(d.config().connections);
  d.webhooks().add_route(freshbooks_webhooks.route());
  // R25, R26: Capsule hooks and FreshBooks callbacks at webhooks.public_url, as queue jobs.
  WebhookSubscriptions subscriptions(d, connectors);
  d.webhook_subscriptions([&subscriptions](const std::string& connection) { return subscriptions.state(connection); });
  d.after_reload([&connectors, &d, &xero_route, &capsule_webhooks, &freshbooks_webhooks,
                  &subscriptions](const config::Config& config) {
    forget_refused_logins(connectors, d.database(), config);
    capsule_webhooks.serve(config.connections);
    freshbooks_webhooks.serve(config.connections);
    subscriptions.reloaded();
    if (xero_route == nullptr || !*xero_route) return;
    XeroWebhookRoute& route = **xero_route;
    if (config.webhooks) route.set_key(config.webhooks->xero_webhook_key);
    route.forget_tenants();
    d.tasks().spawn("learning Xero webhook tenants", Tasks::Policy::contained,
                    learn_xero_tenants(route, config.connections, connectors));
  });
  d.admin_commands().add(std::string(export_preview_command), [&d, &connectors](std::string line) {
    return export_preview(d, connectors, std::move(line));
  });
  d.admin_commands().add(std::string(plan_command), [&d, &connectors](std::string line) {
    return plan(d, connectors, std::move(line));
  });
  if (options.job_handlers) {
    if (auto s = options.job_handlers(d.handlers()); !s) {
      log::critical({}, "Failed to register the job handlers: {}", s.error());
      return 1;
    }
  } else {
    (*engine)->register_handlers([&d, &silence](std::string kind, engine::JobHandler handler) {
      if (kind == "pull") handler = silence_checked(std::move(handler), d, silence);
      d.handlers().add(std::move(kind), std::move(handler));
    });
  }
  d.handlers().add(std::string(kind_freshbooks_verify),
                   [&d, &connectors](const queue::Job& job) -> boost::asio::awaitable<Status> {
                     for (const auto& c : d.config().connections)
                       if (c.name == job.connection)
                         co_return co_await verify_freshbooks_callback(job, c, d.database(), connectors);
                     co_return make_error(Errc::not_found, "connection {} is no longer configured", job.connection);
                   });
  subscriptions.start();  // after the job handlers: test handlers may not replace its kinds
  ConnectHandler connect(io.get_executor(), d, connectors);
  connect.register_commands();
  // R24: one route per Xero app, by its webhook key; tenants learned again after a reload.
  std::optional<XeroWebhookRoute> xero_webhooks;
  if (d.config().webhooks && !d.config().webhooks->xero_webhook_key.empty()) {
    xero_webhooks.emplace(d.config().webhooks->xero_webhook_key);
    d.webhooks().add_route(xero_webhooks->route());
    xero_route = &xero_webhooks;
    d.tasks().spawn("learning Xero webhook tenants", Tasks::Policy::contained,
                    learn_xero_tenants(*xero_webhooks, d.config().connections, connectors));
  }
  if (auto s = d.start(); !s) {
    log::critical({}, "Failed to start: {}", s.error());
    return 1;
  }
  io.run();
  // Coroutines that outlived their cancellation may still refer to the engine, the connectors
  // and the daemon: end without destroying them (everything committed is in the store).
  if (!d.drained()) std::_Exit(d.exit_code());
  return d.exit_code();
}

}  // namespace capsync::daemon
