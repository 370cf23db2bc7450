#pragma once
// Fake FreeAgent API v2 under /freeagent/v2/ (real https://api.freeagent.com/v2/): OAuth
// (approve_app, token_endpoint), GET /company, contacts (list with view/sort/updated_since,
// get, create, partial update, delete) and sales invoices (list with view/contact/sort/
// updated_since, get, create, transitions, delete) and estimates
// (freeagent_estimates.hpp). Lists page with page/per_page (25 by default, at most 100), a Link
// header (absolute first/prev/next/last) and X-Total-Count. Limits per user: 120 requests a
// minute and 3,600 an hour in fixed windows (5 a minute with X-RateLimit-Test: true); over
// them 429 with Retry-After in seconds and no remaining-quota headers.

#include <string>
#include <vector>

#include "test/sandbox/freeagent_books.hpp"
#include "test/sandbox/freeagent_estimates.hpp"
#include "test/sandbox/freeagent_identity.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

struct FreeAgentLimits {
  std::int64_t minute = 120, hour = 3600, test_minute = 5;
};

class FreeAgentApi final : public Provider {
 public:
  explicit FreeAgentApi(SandboxContext& context);

  std::string_view name() const override { return "freeagent"; }
  std::vector<std::string> prefixes() const override { return {"/freeagent/"}; }
  Response handle(const Request& request) override;
  Response fault_status(const Request& request, int status, int retry_after_s) override;
  Response fault_expired_token(const Request& request) override;
  void load_seed(const rapidjson::Value& section, const rapidjson::Value& exact) override;
  void dump_state(JsonWriter& writer) const override;

 private:
  struct Window {
    std::int64_t index = -1;  // which fixed window (now / length) the count belongs to
    std::int64_t used = 0;
  };

  std::string api_url() const;
  std::optional<Response> admit(const Request& request);
  Response route(const Request& request, std::string_view path);
  Response list_contacts(const Request& request);
  Response list_invoices(const Request& request);
  Response write_contact(const Request& request, FreeAgentContact* existing);
  Response delete_contact(std::int64_t id);
  // POST /invoices (a Draft, totals from invoice_items) and PUT /invoices/{id}/transitions/…,
  // so tests can add an invoice after a sync and send, cancel or re-draft it as a user would.
  Response create_invoice(const Request& request);
  Response transition_invoice(FreeAgentInvoice& invoice, std::string_view transition);
  Response one_contact(int status, const FreeAgentContact& contact) const;

  SandboxContext& context_;
  FreeAgentIdentity identity_;
  FreeAgentLimits limits_;
  FreeAgentBooks books_;
  FreeAgentEstimates estimates_;
  Window minute_, hour_, test_minute_;
};

}  // namespace capsync::sandbox
