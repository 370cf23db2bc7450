#include "daemon/capsule_webhook_route.hpp"

#include "connectors/capsule/rest_hooks.hpp"
#include "core/log/log.hpp"

namespace capsync::daemon {

void CapsuleWebhookRoute::serve(const std::vector<config::ConnectionConfig>& connections) {
  tokens_.clear();
  for (const auto& c : connections)
    if (c.enabled && c.capsule.oauth) tokens_[c.name] = capsule::rest_hook_token(c.capsule.oauth->client_secret, c.name);
}

WebhookAnswer CapsuleWebhookRoute::handle(const WebhookRequest& request) const {
  const auto [connection, token] = connection_path(request.rest);
  const auto it = tokens_.find(connection);
  // Compared even for an unknown connection, so both take the same time.
  const bool good = capsule::rest_hook_token_matches(token, it == tokens_.end() ? std::string_view() : it->second);
  if (it == tokens_.end() || !good) return {.status = 401, .outcome = "forged"};
  auto delivery = capsule::parse_rest_hook_delivery(request.body);
  if (!delivery) {
    // From Capsule (the token says so) yet unreadable: another answer would only bring it back.
    log::warning({.connection = it->first}, "Failed to read a Capsule REST hook delivery: {}, ignoring", delivery.error());
    return {.status = 200, .outcome = "malformed"};
  }
  const bool opportunity = delivery->event.starts_with("opportunity/");
  if (!opportunity && !delivery->event.starts_with("party/")) return {.status = 200, .outcome = "dropped"};
  WebhookAnswer answer{.status = 200, .outcome = "accepted"};
  for (std::int64_t id : delivery->ids)
    answer.events.push_back({.connection = it->first,
                             .kind = opportunity ? webhook::RecordKind::opportunity : webhook::RecordKind::party,
                             .remote_id = std::to_string(id),
                             .source = "capsule"});
  if (answer.events.empty()) answer.outcome = "verified";
  return answer;
}

WebhookRoute CapsuleWebhookRoute::route() {
  return {.prefix = std::string(kCapsuleWebhookPrefix),
          .source = "capsule",
          .handler = [this](const WebhookRequest& request) { return handle(request); }};
}

}  // namespace capsync::daemon
