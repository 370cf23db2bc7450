#pragma once
// WebhookSubscriptions: what capsync subscribes at the services that call it back, for the
// connections of a daemon with webhooks.public_url: the Capsule REST hooks of a connection with
// a registered Capsule app (parties; opportunities when quotes are on, R26) and FreshBooks'
// callbacks (clients, invoices, estimates, R25). The work runs as queue jobs, so a slow Capsule
// never delays READY and a failure is retried with the queue's backoff:
//
//   webhooks_subscribe  at start, after `capsyncctl connect`, after a reload: reconcile
//   webhooks_remove     a reload disabled or removed the connection, or `capsyncctl disable`
//                       stopped it: remove them all
//
// A connection reaching Capsule with a personal token subscribes nothing there (it is polled),
// nor does one whose service sends no callbacks. Single-threaded: the io_context thread.

#include <map>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/config/settings.hpp"
#include "core/error/result.hpp"
#include "core/queue/job_queue.hpp"
#include "daemon/admin_status.hpp"

namespace capsync::registry {
class LiveConnectors;
}

namespace capsync::daemon {

class Daemon;

inline constexpr std::string_view kind_webhooks_subscribe = "webhooks_subscribe";
inline constexpr std::string_view kind_webhooks_remove = "webhooks_remove";

// The job that subscribes (or reconciles) a connection's webhooks. Inline: `connect` queues it
// without linking the subscriptions.
inline queue::JobSpec webhooks_subscribe_job(std::string_view connection) {
  return {.kind = std::string(kind_webhooks_subscribe),
          .connection = std::string(connection),
          .dedupe_key = std::string(kind_webhooks_subscribe),
          .priority = 5};  // before a long start-up sync: deliveries then hasten it
}
// The job that removes them (`capsyncctl disable`, a reload that disables the connection).
inline queue::JobSpec webhooks_remove_job(std::string_view connection) {
  return {.kind = std::string(kind_webhooks_remove),
          .connection = std::string(connection),
          .dedupe_key = std::string(kind_webhooks_remove),
          .priority = 5};
}

class WebhookSubscriptions final {
 public:
  // `daemon` and `connectors` outlive every job (the io_context's run).
  WebhookSubscriptions(Daemon& daemon, registry::LiveConnectors& connectors);
  WebhookSubscriptions(const WebhookSubscriptions&) = delete;
  WebhookSubscriptions& operator=(const WebhookSubscriptions&) = delete;

  // Registers both job kinds with the daemon and queues a subscribe job for every connection
  // that wants one.
  void start();
  // After a reload put the daemon's config in force: subscribe jobs for the connections that
  // want them, remove jobs for those disabled or gone since.
  void reloaded();
  WebhookSubscriptionState state(const std::string& connection) const;

 private:
  boost::asio::awaitable<Status> subscribe(std::string connection);
  boost::asio::awaitable<Status> remove(std::string connection);
  boost::asio::awaitable<Status> subscribe_capsule(const config::ConnectionConfig& c, const std::string& public_url);
  boost::asio::awaitable<Status> register_freshbooks(const config::ConnectionConfig& c, const std::string& public_url);
  void enqueue(std::string_view kind, const std::string& connection);
  // The connections in force that want webhooks, with the public URL they were subscribed at.
  std::map<std::string, config::ConnectionConfig> wanted() const;

  Daemon& daemon_;
  registry::LiveConnectors& connectors_;
  // Connections whose webhooks may be subscribed, as last in force (a removal needs the
  // credentials and the URL of a connection the config no longer has).
  std::map<std::string, config::ConnectionConfig> subscribed_;
  std::string subscribed_url_;  // the public_url they were subscribed at
  std::map<std::string, WebhookSubscriptionState> states_;
};

// The URL a connection's Capsule REST hooks post to; its FreshBooks callbacks' URL.
std::string capsule_hook_url(const std::string& public_url, const config::ConnectionConfig& c);
std::string freshbooks_callback_url(const std::string& public_url, const config::ConnectionConfig& c);

}  // namespace capsync::daemon
