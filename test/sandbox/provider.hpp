#pragma once
// One fake service (Capsule, Xero, later FreshBooks, KashFlow, FreeAgent, Sage). The sandbox
// routes every request whose path starts with one of prefixes() to handle(); each provider
// owns its state, its auth, its limits and its own error shapes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/json_util.hpp"
#include "test/sandbox/sandbox_clock.hpp"
#include "test/sandbox/webhook_outbox.hpp"

namespace capsync::sandbox {

// What every provider shares. Owned by Sandbox; touched only on the server's thread.
struct SandboxContext {
  SandboxClock clock;
  std::string base_url;  // e.g. "http://127.0.0.1:40123", known once the server listens
  WebhookOutbox webhooks;  // deliveries to subscribers, sent by the server's delivery loop
};

class Provider {
 public:
  virtual ~Provider() = default;

  // Short name used in the request log and as the key in /_admin/state and seeds.
  virtual std::string_view name() const = 0;
  // Path prefixes served, e.g. "/capsule/".
  virtual std::vector<std::string> prefixes() const = 0;
  virtual Response handle(const Request& request) = 0;

  // Injected faults, answered as the real service answers them.
  virtual Response fault_status(const Request& request, int status, int retry_after_s) = 0;
  virtual Response fault_expired_token(const Request& request) = 0;

  // Replaces all state with the seed section for this provider (null = empty). `exact` is the
  // same section parsed with numbers kept as their text, for money.
  virtual void load_seed(const rapidjson::Value& section, const rapidjson::Value& exact) = 0;
  // Writes the whole state as one JSON object.
  virtual void dump_state(JsonWriter& writer) const = 0;

  // Its own admin routes under /_admin/<name>/ (webhook set-up, like a developer portal);
  // nullopt: no such route.
  virtual std::optional<Response> admin(const Request& request) {
    (void)request;
    return std::nullopt;
  }
};

}  // namespace capsync::sandbox
