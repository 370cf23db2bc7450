#pragma once
// XeroWebhookRoute: the handler of /webhooks/xero/ (R24). One Xero app has one webhook, for
// every organisation connected to it; events are routed to connections by tenantId.
//   signature: base64(HMAC-SHA256(webhook key, raw body)) in x-xero-signature, compared in
//              constant time; wrong or missing -> 401, empty body, nothing queued
//   good:      200, empty body; intent-to-receive (no events) included
//   events:    CONTACT and INVOICE events of a tenant a connection serves become refreshes;
//              events of any other tenant are acknowledged and dropped
// Never waits on an API: tenants are learned beforehand (config, or the connector's discovery).
// Single-threaded: everything runs on the io_context thread.

#include <map>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/config/settings.hpp"
#include "core/secret/secret.hpp"
#include "daemon/webhook_listener.hpp"

namespace capsync::engine {
class ConnectorSource;
}

namespace capsync::daemon {

inline constexpr std::string_view kXeroWebhookPrefix = "/webhooks/xero";

class XeroWebhookRoute final {
 public:
  explicit XeroWebhookRoute(Secret key) : key_(std::move(key)) {}

  // The connection that serves Xero organisation `tenant_id`; replaces an earlier mapping.
  void serve(const std::string& tenant_id, const std::string& connection);
  // Forgets every tenant (before the mapping is rebuilt after a reload).
  void forget_tenants() { tenants_.clear(); }
  void set_key(Secret key) { key_ = std::move(key); }

  WebhookAnswer handle(const WebhookRequest& request) const;
  // The route for WebhookListener::add_route; `this` must outlive the listener's use of it.
  WebhookRoute route();

 private:
  Secret key_;
  std::map<std::string, std::string> tenants_;  // tenantId (lower case) -> connection
};

// Teaches `route` the organisation of every enabled Xero connection: the configured tenant_id,
// else the connector's discovery (one request, which the connector keeps for its syncs). A
// connection whose discovery fails is logged and left out: its events are dropped and its
// changes arrive by polling. `route` and `source` must outlive the coroutine.
boost::asio::awaitable<void> learn_xero_tenants(XeroWebhookRoute& route, std::vector<config::ConnectionConfig> connections,
                                                engine::ConnectorSource& source);

}  // namespace capsync::daemon
