#include "daemon/webhook_subscriptions.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "connectors/capsule/capsule_connector.hpp"
#include "connectors/capsule/rest_hooks.hpp"
#include "connectors/freshbooks/callbacks.hpp"
#include "connectors/registry/live_connectors.hpp"
#include "core/engine/connection_store.hpp"
#include "core/log/log.hpp"
#include "core/webhook/verifier_store.hpp"
#include "daemon/capsule_webhook_route.hpp"
#include "daemon/freshbooks_webhook_route.hpp"
#include "daemon/daemon.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;

namespace {

// Which of a connection's services call back. Capsule only through a registered app.
bool wants_capsule_hooks(const config::ConnectionConfig& c) { return c.capsule.oauth.has_value(); }
bool wants_freshbooks_callbacks(const config::ConnectionConfig& c) { return c.accounting.provider.name == "freshbooks"; }

capsule::HookPlan capsule_plan(const std::string& public_url, const config::ConnectionConfig& c) {
  return {.events = capsule::rest_hook_events(c.quotes.from_milestone.has_value()),
          .target_url = capsule_hook_url(public_url, c),
          .description = capsule::rest_hook_description(c.name)};
}

}  // namespace

std::string capsule_hook_url(const std::string& public_url, const config::ConnectionConfig& c) {
  const std::string token = c.capsule.oauth ? capsule::rest_hook_token(c.capsule.oauth->client_secret, c.name) : "";
  return fmt::format("{}{}/{}/{}", public_url, kCapsuleWebhookPrefix, c.name, token);
}

std::string freshbooks_callback_url(const std::string& public_url, const config::ConnectionConfig& c) {
  return public_url + freshbooks_callback_path(c);
}

WebhookSubscriptions::WebhookSubscriptions(Daemon& daemon, registry::LiveConnectors& connectors)
    : daemon_(daemon), connectors_(connectors) {}

std::map<std::string, config::ConnectionConfig> WebhookSubscriptions::wanted() const {
  std::map<std::string, config::ConnectionConfig> out;
  const auto& config = daemon_.config();
  if (!config.webhooks || !config.webhooks->public_url) return out;
  for (const auto& c : config.connections)
    if (c.enabled && (wants_capsule_hooks(c) || wants_freshbooks_callbacks(c))) out.emplace(c.name, c);
  return out;
}

void WebhookSubscriptions::enqueue(std::string_view kind, const std::string& connection) {
  // A failure is logged by the daemon.
  (void)daemon_.enqueue(kind == kind_webhooks_remove ? webhooks_remove_job(connection) : webhooks_subscribe_job(connection));
}

void WebhookSubscriptions::start() {
  daemon_.handlers().add(std::string(kind_webhooks_subscribe),
                         [this](const queue::Job& job) { return subscribe(job.connection); });
  daemon_.handlers().add(std::string(kind_webhooks_remove), [this](const queue::Job& job) { return remove(job.connection); });
  subscribed_ = wanted();
  if (!subscribed_.empty()) subscribed_url_ = *daemon_.config().webhooks->public_url;
  for (const auto& [name, c] : subscribed_) enqueue(kind_webhooks_subscribe, name);
}

void WebhookSubscriptions::reloaded() {
  auto now = wanted();
  for (const auto& [name, c] : subscribed_)
    if (!now.contains(name)) {
      enqueue(kind_webhooks_remove, name);
      states_.erase(name);
    }
  // Kept for the remove jobs just queued: their connections are gone from the config.
  for (auto& [name, c] : now) subscribed_.insert_or_assign(name, c);
  if (!now.empty()) subscribed_url_ = *daemon_.config().webhooks->public_url;
  for (const auto& [name, c] : now) enqueue(kind_webhooks_subscribe, name);
}

WebhookSubscriptionState WebhookSubscriptions::state(const std::string& connection) const {
  auto it = states_.find(connection);
  return it == states_.end() ? WebhookSubscriptionState{} : it->second;
}

asio::awaitable<Status> WebhookSubscriptions::subscribe(std::string connection) {
  const auto want = wanted();
  auto it = want.find(connection);
  // Disabled, gone or without a public URL since the job was queued: nothing to subscribe.
  if (it == want.end() || engine::DisableState(daemon_.database()).stopped(connection)) co_return Status{};
  const config::ConnectionConfig c = it->second;
  const std::string url = *daemon_.config().webhooks->public_url;
  states_.erase(connection);
  if (wants_capsule_hooks(c))
    if (auto s = co_await subscribe_capsule(c, url); !s) co_return s;
  if (wants_freshbooks_callbacks(c))
    if (auto s = co_await register_freshbooks(c, url); !s) co_return s;
  if (!states_.contains(connection)) states_[connection] = {"subscribed", fmt::format("subscribed at {}", url)};
  co_return Status{};
}

asio::awaitable<Status> WebhookSubscriptions::subscribe_capsule(const config::ConnectionConfig& c,
                                                                const std::string& public_url) {
  const log::Fields fields{.connection = c.name, .provider = "capsule"};
  auto client = connectors_.capsule_app_client(c);
  if (!client) co_return client.error().with_context(fmt::format("Failed to subscribe Capsule hooks for {}", c.name));
  if (*client == nullptr) {
    // Still on the personal token: `capsyncctl connect --capsule` queues this job again.
    states_[c.name] = {"waiting_for_connect",
                       fmt::format("Capsule hooks wait for `capsyncctl connect --capsule {}`; Capsule is polled", c.name)};
    co_return Status{};
  }
  const capsule::HookPlan plan = capsule_plan(public_url, c);
  auto report = co_await capsule::reconcile_rest_hooks(**client, plan);
  if (!report) {
    states_[c.name] = {"failed", fmt::format("Failed to subscribe Capsule hooks: {}", report.error().message())};
    co_return report.error().with_context(fmt::format("Failed to subscribe Capsule hooks for {}", c.name));
  }
  log::info(fields, "Capsule hooks of {}: {} kept, {} subscribed, {} removed", c.name, report->kept,
            report->subscribed, report->removed);
  if (report->slots_full()) {
    const std::string missing = fmt::format("{}", fmt::join(report->missing, ", "));
    log::warning(fields,
                 "Failed to subscribe Capsule hooks for {}: the account's 20 REST hook slots are full ({} not "
                 "subscribed); those changes wait for the next poll, ignoring",
                 c.name, missing);
    states_[c.name] = {"slots_full",
                       fmt::format("Capsule hook slots full: {} not subscribed (the account's 20 REST hook slots are "
                                   "taken; free some in Capsule, then reload capsync); polled meanwhile",
                                   missing)};
  }
  co_return Status{};
}

asio::awaitable<Status> WebhookSubscriptions::register_freshbooks(const config::ConnectionConfig& c,
                                                                  const std::string& public_url) {
  const std::string context = fmt::format("Failed to register FreshBooks callbacks for {}", c.name);
  auto callbacks = co_await connectors_.freshbooks_callbacks(c);
  if (!callbacks) co_return callbacks.error().with_context(context);
  const std::string uri = freshbooks_callback_url(public_url, c);
  auto report = co_await (*callbacks)->reconcile(freshbooks::callback_events(), uri, uri);
  if (!report) {
    states_[c.name] = {"failed", fmt::format("Failed to register FreshBooks callbacks: {}", report.error().message())};
    co_return report.error().with_context(context);
  }
  log::info({.connection = c.name, .provider = "freshbooks"}, "FreshBooks callbacks of {}: {} kept, {} registered, {} removed",
            c.name, report->kept, report->registered, report->removed);
  co_return Status{};
}

asio::awaitable<Status> WebhookSubscriptions::remove(std::string connection) {
  const bool stopped = engine::DisableState(daemon_.database()).stopped(connection);
  // Enabled again since the job was queued: the subscribe job keeps them.
  if (wanted().contains(connection) && !stopped) co_return Status{};
  auto it = subscribed_.find(connection);
  if (it == subscribed_.end()) {
    log::notice({.connection = connection},
                "Connection {} was removed before a restart; its Capsule hooks and FreshBooks callbacks, if any, stay "
                "until removed by hand",
                connection);
    co_return Status{};
  }
  const config::ConnectionConfig c = it->second;
  if (wants_capsule_hooks(c)) {
    auto client = connectors_.capsule_app_client(c);
    if (!client) co_return client.error().with_context(fmt::format("Failed to remove Capsule hooks of {}", connection));
    if (*client != nullptr) {
      auto removed = co_await capsule::remove_rest_hooks(**client, capsule::rest_hook_description(connection));
      if (!removed) co_return removed.error().with_context(fmt::format("Failed to remove Capsule hooks of {}", connection));
      log::info({.connection = connection, .provider = "capsule"}, "Removed {} Capsule hook(s) of {}", *removed,
                connection);
    }
  }
  if (wants_freshbooks_callbacks(c)) {
    const std::string context = fmt::format("Failed to remove FreshBooks callbacks of {}", connection);
    auto callbacks = co_await connectors_.freshbooks_callbacks(c);
    if (!callbacks) co_return callbacks.error().with_context(context);
    auto removed = co_await (*callbacks)->remove_all(freshbooks_callback_url(subscribed_url_, c));
    if (!removed) co_return removed.error().with_context(context);
    if (auto cleared = webhook::VerifierStore(daemon_.database()).clear(connection); !cleared)
      co_return cleared.error().with_context(context);
    log::info({.connection = connection, .provider = "freshbooks"}, "Removed {} FreshBooks callback(s) of {}", *removed,
              connection);
  }
  states_.erase(connection);
  // Enabled again while this ran: the subscribe job re-adds them; otherwise forget the connection.
  if (!wanted().contains(connection)) subscribed_.erase(connection);
  co_return Status{};
}

}  // namespace capsync::daemon
