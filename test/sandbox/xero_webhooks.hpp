#pragma once
// Xero's webhook, as the real one behaves (shared/api/webhooks-quotes.md §1): one per app,
// for every connected organisation. Set up through /_admin/xero/webhook (the developer
// portal's Webhooks tab); setting it up runs intent-to-receive, a series of POSTs some signed
// with a wrong key, which must be answered 401 (bad) and 200 (good) with an empty body, else
// the webhook stays off. Once on, every CONTACT and INVOICE created or updated through the
// API becomes an event; events are batched (`batch_ms`), signed base64(HMAC-SHA256(key, body))
// in x-xero-signature, and a delivery not answered 2xx is retried with growing waits for 24 h
// (scaled by --time-scale), after which the webhook is disabled.
// Steering (tests): `duplicate` sends every delivery twice, `reverse` sends a batch's events
// newest first, `drop` loses the next N deliveries without sending them.
// Single-threaded (the io thread).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

class XeroWebhooks final {
 public:
  explicit XeroWebhooks(SandboxContext& context);

  // POST /_admin/xero/webhook {"url","key"[,"batch_ms","duplicate","reverse","drop","itr"]}:
  //   sets up (or changes) the webhook and runs intent-to-receive ("itr": false skips it);
  // GET: {"status":"none|pending|on|failed|disabled","sequence","sent","answers":[…]};
  // DELETE: removes the webhook.
  Response admin(const Request& request);

  // A record of `tenant` was created or updated through the API.
  void changed(const std::string& tenant, std::string_view category, bool created, const std::string& id,
               TimePoint at);

  // Flushes the pending batch once it is batch_ms old.
  void tick(SteadyTime now);

 private:
  struct Event {
    std::string tenant, category, type, id;
    TimePoint at;
  };
  void send(std::string body, bool good_signature, bool intent);
  void flush();

  SandboxContext& context_;
  std::string status_ = "none";
  std::string url_, key_;
  std::chrono::milliseconds batch_{200};
  bool duplicate_ = false, reverse_ = false;
  int drop_ = 0;
  int itr_pending_ = 0;  // intent-to-receive POSTs not yet answered
  bool itr_failed_ = false;
  std::int64_t sequence_ = 0;
  std::int64_t sent_ = 0;
  std::vector<Event> pending_;
  SteadyTime first_pending_{};
  std::uint64_t generation_ = 0;  // bumped on every setup: answers to an older one are ignored
};

}  // namespace capsync::sandbox
