#pragma once
// Fake FreshBooks under /freshbooks/ (real https://api.freshbooks.com/) and /freshbooks-auth/
// (real https://auth.freshbooks.com/): OAuth (authorize page, token endpoint), GET
// /auth/api/v1/users/me, clients (list, get, create, partial update, delete by vis_state)
// and invoices (list, get, create, partial update, delete) of /accounting/account/{account_id}/…,
// plus payments, which is how an invoice gets paid. Bodies use the {"response":{"result":…}}
// envelope; lists page with page/per_page (15 by default, silently capped at 100; a page past
// the end is empty). FreshBooks publishes no rate limit: the sandbox allows
// rateLimits.perMinute (100) calls per business per 60 s, then 429 with Retry-After.

#include <string>
#include <vector>

#include "test/sandbox/freshbooks_books.hpp"
#include "test/sandbox/freshbooks_callbacks.hpp"
#include "test/sandbox/freshbooks_identity.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

class FreshBooksApi final : public Provider {
 public:
  explicit FreshBooksApi(SandboxContext& context);

  std::string_view name() const override { return "freshbooks"; }
  std::vector<std::string> prefixes() const override { return {"/freshbooks/", "/freshbooks-auth/"}; }
  Response handle(const Request& request) override;
  Response fault_status(const Request& request, int status, int retry_after_s) override;
  Response fault_expired_token(const Request& request) override;
  void load_seed(const rapidjson::Value& section, const rapidjson::Value& exact) override;
  void dump_state(JsonWriter& writer) const override;

 private:
  std::optional<Response> admit();
  Response users_me() const;
  // R25: a write through the API is announced, signed, to the verified callbacks of its event.
  void announce(const Request& request, const Response& response);
  Response accounting(const Request& request, std::string_view path);
  Response list_clients(const Request& request);
  Response list_invoices(const Request& request);
  Response write_client(const Request& request, FreshBooksClient* existing);
  Response write_invoice(const Request& request, FreshBooksInvoice* existing);
  Response add_payment(const Request& request);
  Response one_client(const FreshBooksClient& client) const;
  Response one_invoice(const FreshBooksInvoice& invoice) const;

  SandboxContext& context_;
  FreshBooksIdentity identity_;
  FreshBooksBooks books_;
  FreshBooksCallbacks callbacks_;
  std::int64_t per_minute_ = 100;
  TimePoint window_start_{};
  std::int64_t window_used_ = 0;
};

}  // namespace capsync::sandbox
