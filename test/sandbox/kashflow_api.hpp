#pragma once
// Fake KashFlow REST API v2 under /kashflow/v2 (real https://api.kashflow.com/v2): the session
// login (kashflow_session.hpp), then customers and suppliers alike (list/get/create/update/
// delete by code; a write sets LastUpdatedDate, a code change moves the record's invoices or
// purchases with it, and one with invoices or purchases cannot be deleted), invoices (list/get
// by number), purchases (list), quotes (list/get/create/update/delete by number), the quote settings, and metadata. Every call but the
// login needs "Authorization: KfToken <session token>" (else 401 InvalidSessionToken).
// Lists: page (from 1), perpage (default 25, clamped to 1..100), sortby, order Asc|Desc;
// envelope {"Data":[...],"MetaData":{"NextPageUrl":<absolute URL or null>,"TotalRecords":N}}.
// Rate limit (sandbox's choice; KashFlow publishes none): `rateLimits.perMinute` (120) calls per
// user per 60 s/N, then 429 {"Error":"TooManyRequests",...} with Retry-After.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "test/sandbox/kashflow_books.hpp"
#include "test/sandbox/kashflow_session.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

class KashFlowApi final : public Provider {
 public:
  explicit KashFlowApi(SandboxContext& context);

  std::string_view name() const override { return "kashflow"; }
  std::vector<std::string> prefixes() const override { return {"/kashflow/"}; }
  Response handle(const Request& request) override;
  Response fault_status(const Request& request, int status, int retry_after_s) override;
  Response fault_expired_token(const Request& request) override;
  void load_seed(const rapidjson::Value& section, const rapidjson::Value& exact) override;
  void dump_state(JsonWriter& writer) const override;

 private:
  Response route(const Request& request, std::string_view path);
  Response contacts(const Request& request, KashFlowRole role, const std::optional<std::string>& code);
  Response write_contact(const Request& request, KashFlowRole role, const std::optional<std::string>& code);
  Response delete_contact(KashFlowRole role, const std::string& code);
  static Response not_found(KashFlowRole role);
  Response invoices(const Request& request, const std::optional<std::string>& number);
  // /quotes[/{number}]: list, get, create (POST, numbered next), update (PUT, the members
  // given replace the old), delete. Bodies are read with numbers as text (money exact).
  Response quotes(const Request& request, const std::optional<std::string>& number);
  // GET /settings/quote (kashflow.com/developers/rest-api/quote-settings): the documented
  // example, with the seeded QuoteDueDate ("30 Days").
  Response quote_settings() const;
  Response metadata() const;
  // The list envelope over `total` items; `write_item(i)` writes the i-th (0-based) of the page.
  Response list(const Request& request, std::string_view resource, std::string_view default_sort, std::size_t total,
                const std::function<void(JsonWriter&, std::size_t)>& write_item) const;
  std::optional<Response> admit(const std::string& user);
  Response too_many(std::chrono::milliseconds wait) const;

  SandboxContext& context_;
  KashFlowSession session_;
  KashFlowBooks books_;
  std::int64_t per_minute_ = 120;
  std::map<std::string, std::pair<TimePoint, std::int64_t>> windows_;  // user -> (start, used)
};

}  // namespace capsync::sandbox
