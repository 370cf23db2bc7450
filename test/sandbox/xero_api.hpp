#pragma once
// Fake Xero: Accounting API under /xero/api.xro/2.0 (real https://api.xero.com/api.xro/2.0),
// /xero/connections, the token endpoint /xero-identity/connect/token and the authorize page
// /xero-login/identity/connect/authorize. Limits are per tenant as Xero documents them.

#include <map>
#include <random>
#include <string>
#include <vector>

#include "test/sandbox/provider.hpp"
#include "test/sandbox/xero_books.hpp"
#include "test/sandbox/xero_identity.hpp"
#include "test/sandbox/xero_webhooks.hpp"

namespace capsync::sandbox {

struct XeroLimits {
  std::int64_t minute = 60, day = 5000, concurrent = 5, app_minute = 10000;
};

class XeroApi final : public Provider {
 public:
  explicit XeroApi(SandboxContext& context);

  std::string_view name() const override { return "xero"; }
  std::vector<std::string> prefixes() const override { return {"/xero/", "/xero-identity/", "/xero-login/"}; }
  Response handle(const Request& request) override;
  Response fault_status(const Request& request, int status, int retry_after_s) override;
  Response fault_expired_token(const Request& request) override;
  void load_seed(const rapidjson::Value& section, const rapidjson::Value& exact) override;
  void dump_state(JsonWriter& writer) const override;
  // /_admin/xero/webhook (xero_webhooks.hpp).
  std::optional<Response> admin(const Request& request) override;

 private:
  Response accounting(const Request& request);
  Response route(const Request& request, XeroBooks& books, std::string_view path);
  Response organisation(const Request& request, TimePoint now);
  // Counts the call against the tenant's limits; returns a 429 if one is exhausted.
  std::optional<Response> admit(XeroBooks& books);
  // Events for the records a successful write changed (updated at or after `since`).
  void announce(const std::string& tenant, const XeroBooks& books, TimePoint since, std::int64_t first_new_seq);
  void add_limit_headers(Response& response, const XeroBooks& books) const;
  Response too_many(const XeroBooks& books, std::string_view problem, std::chrono::milliseconds wait) const;

  SandboxContext& context_;
  std::mt19937_64 rng_;
  XeroIdentity identity_;
  XeroLimits limits_;
  XeroWindow app_minute_;
  std::map<std::string, XeroBooks> books_;  // by tenantId
  XeroWebhooks webhooks_;
};

}  // namespace capsync::sandbox
