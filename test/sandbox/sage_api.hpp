#pragma once
// Fake Sage Business Cloud Accounting v3.1: the API under /sage/v3.1 (real
// https://api.accounting.sage.com/v3.1), the token endpoint /sage-oauth/token (real
// https://oauth.accounting.sage.com/token) and the authorize page /sage-login/oauth2/auth/central
// (real https://www.sageone.com/oauth2/auth/central). Every API call needs a live bearer token;
// X-Business picks the business (absent: the lead business, the first seeded). Each business
// allows 200 calls per 60 s (Sage's v3.0 figure; v3.1 publishes none), then 429.
// Sales quotes, estimates and ledger accounts: sage_quotes.hpp.

#include <map>
#include <string>
#include <vector>

#include "test/sandbox/provider.hpp"
#include "test/sandbox/sage_books.hpp"
#include "test/sandbox/sage_identity.hpp"

namespace capsync::sandbox {

class SageApi final : public Provider {
 public:
  explicit SageApi(SandboxContext& context);

  std::string_view name() const override { return "sage"; }
  std::vector<std::string> prefixes() const override { return {"/sage/", "/sage-oauth/", "/sage-login/"}; }
  Response handle(const Request& request) override;
  Response fault_status(const Request& request, int status, int retry_after_s) override;
  Response fault_expired_token(const Request& request) override;
  void load_seed(const rapidjson::Value& section, const rapidjson::Value& exact) override;
  void dump_state(JsonWriter& writer) const override;

 private:
  Response api(const Request& request);
  Response route(const Request& request, SageBooks& books, std::string_view path);
  Response businesses(const Request& request, std::string_view path) const;
  Response invoices(const Request& request, SageBooks& books, bool purchase, const std::optional<std::string>& id);
  // Counts the call against the business's window; a 429 when it is used up.
  std::optional<Response> admit(SageBooks& books);
  Response too_many(std::chrono::milliseconds wait) const;

  SandboxContext& context_;
  SageIdentity identity_;
  std::int64_t per_minute_ = 200;
  std::vector<std::string> order_;          // business ids, lead first
  std::map<std::string, SageBooks> books_;  // by business id
};

}  // namespace capsync::sandbox
