#pragma once
// CapsuleWebhookRoute: the handler of /webhooks/capsule/<connection>/<token> (R26). Capsule signs
// nothing, so the token in the path is the proof: rest_hook_token() of the connection's
// registered app, compared in constant time. Wrong token or unknown connection -> 401, empty
// body, nothing queued (the same answer, so connection names are not revealed). A good one:
// each party (or opportunity) the payload names becomes a refresh; the payload itself is
// never used as data. Single-threaded: everything runs on the io_context thread.

#include <map>
#include <string>
#include <vector>

#include "core/config/settings.hpp"
#include "daemon/webhook_listener.hpp"

namespace capsync::daemon {

inline constexpr std::string_view kCapsuleWebhookPrefix = "/webhooks/capsule";

class CapsuleWebhookRoute final {
 public:
  // Serves every enabled connection with a registered Capsule app; forgets the others.
  void serve(const std::vector<config::ConnectionConfig>& connections);

  WebhookAnswer handle(const WebhookRequest& request) const;
  // The route for WebhookListener::add_route; `this` must outlive the listener's use of it.
  WebhookRoute route();

 private:
  std::map<std::string, std::string, std::less<>> tokens_;  // connection -> its path token
};

}  // namespace capsync::daemon
