#include "daemon/xero_webhook_route.hpp"

#include <algorithm>
#include <cctype>

#include "connectors/xero/webhook_delivery.hpp"
#include "core/engine/sync_context.hpp"
#include "core/log/log.hpp"
#include "core/webhook/signature.hpp"

namespace capsync::daemon {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

void XeroWebhookRoute::serve(const std::string& tenant_id, const std::string& connection) {
  tenants_[lower(tenant_id)] = connection;
}

WebhookAnswer XeroWebhookRoute::handle(const WebhookRequest& request) const {
  if (!webhook::verify_base64_hmac(key_, request.body, request.header("x-xero-signature")))
    return {.status = 401, .outcome = "forged"};
  auto delivery = xero::parse_webhook_delivery(request.body);
  if (!delivery) {
    // Signed by Xero yet unreadable: answering 401 or 5xx would only make Xero retry it.
    log::warning({}, "Failed to read a Xero webhook delivery: {}, ignoring", delivery.error());
    return {.status = 200, .outcome = "malformed"};
  }
  if (delivery->events.empty()) return {.status = 200, .outcome = "verified"};  // intent-to-receive
  WebhookAnswer answer{.status = 200, .outcome = "accepted"};
  int dropped = 0;
  for (auto& e : delivery->events) {
    auto it = tenants_.find(lower(e.tenant_id));
    if (it == tenants_.end()) {
      ++dropped;
      continue;
    }
    answer.events.push_back({.connection = it->second, .kind = e.kind, .remote_id = std::move(e.resource_id),
                             .source = "xero"});
  }
  if (answer.events.empty()) {
    log::debug({}, "Dropped a Xero webhook delivery of {} event(s) for organisations capsync does not serve", dropped);
    answer.outcome = "dropped";
  }
  return answer;
}

WebhookRoute XeroWebhookRoute::route() {
  return {.prefix = std::string(kXeroWebhookPrefix),
          .source = "xero",
          .handler = [this](const WebhookRequest& request) { return handle(request); }};
}

boost::asio::awaitable<void> learn_xero_tenants(XeroWebhookRoute& route, std::vector<config::ConnectionConfig> connections,
                                                engine::ConnectorSource& source) {
  for (const auto& c : connections) {
    if (!c.enabled || c.accounting.provider.name != "xero") continue;
    if (c.accounting.tenant_id) {
      route.serve(*c.accounting.tenant_id, c.name);
      continue;
    }
    auto built = source.connectors(c);
    if (!built) {
      log::warning({.connection = c.name}, "Failed to route Xero webhooks to connection {}: {}; it is polled",
                   c.name, built.error());
      continue;
    }
    auto tenant = co_await built->accounting->tenant();
    if (!tenant) {
      log::warning({.connection = c.name}, "Failed to route Xero webhooks to connection {}: {}; it is polled",
                   c.name, tenant.error());
      continue;
    }
    route.serve(tenant->id, c.name);
  }
}

}  // namespace capsync::daemon
