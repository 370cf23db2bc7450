#pragma once
// FreeAgentConnector: the AccountingConnector for FreeAgent API v2.
//  - tenant: GET <base>/company (one company per authorising user); its subdomain makes deep
//    links open the right company.
//  - lists: view=all (hidden contacts included, for R15), sort=updated_at, page + per_page=100,
//    updated_since=<cursor> (contacts since 21 Apr 2025, invoices long before); the next page
//    is the Link header's rel="next". Items older than the cursor are dropped here, so callers
//    get exactly ">= cursor". No deletion feed: deleted contacts vanish, found by a full scan.
//  - writes: POST /contacts; PUT /contacts/:id with changed fields only (FreeAgent documents no
//    body for it, so the contact is read back). No idempotency key: a retried create searches
//    by name first (engine). Names may repeat in FreeAgent; R13 is kept by that search.
//  - estimates (R18-R21, estimates.hpp): GET /estimates?view=all&page=N&per_page=…
//    [&updated_since=…]; no sort is documented for estimates, so a pass hands its cursor back
//    on its last page only. No deletion feed: a deleted estimate vanishes. Creates POST a Draft
//    with its one item; updates first read the estimate and refuse anything but a Draft
//    (Errc::conflict, R21), then PUT the estimate's text fields and PUT its item. FreeAgent has
//    no reference filter: find_quotes_by_reference scans every estimate (all pages) and keeps
//    exact matches. No idempotency key: the engine finds a lost create by its reference.
//  - a 401 invalidates the token and retries once. Every request carries a User-Agent (the
//    HTTP client's), which FreeAgent requires.

#include <chrono>
#include <optional>
#include <string>

#include "core/connector/accounting_connector.hpp"
#include "core/connector/http_sender.hpp"
#include "core/connector/oauth_api.hpp"
#include "core/connector/token_source.hpp"

namespace capsync::freeagent {

struct EstimateDetail;  // estimates.hpp

struct FreeAgentSettings {
  std::string base_url;  // the registry entry's or the config's: <base>/contacts, <base>/invoices, …
  int page_size = 100;                                    // FreeAgent's maximum per_page
  std::chrono::milliseconds timeout{30000};
  http::RequestGate* gate = nullptr;                      // the connection's FreeAgent rate limiter
};

class FreeAgentConnector final : public connector::AccountingConnector {
 public:
  FreeAgentConnector(connector::HttpSender& http, connector::TokenSource& tokens, FreeAgentSettings settings);
  FreeAgentConnector(const FreeAgentConnector&) = delete;
  FreeAgentConnector& operator=(const FreeAgentConnector&) = delete;

  std::string_view provider() const override { return "freeagent"; }
  connector::Capabilities capabilities() const override;
  boost::asio::awaitable<Result<connector::Tenant>> tenant() override;
  void forget_tenant() override { tenant_.reset(); }
  boost::asio::awaitable<Result<connector::Page<model::Contact>>> list_contacts(
      connector::ListRequest request) override;
  boost::asio::awaitable<Result<connector::Page<model::Invoice>>> list_invoices(
      connector::ListRequest request, bool include_purchase) override;
  boost::asio::awaitable<Result<model::Contact>> get_contact(std::string_view remote_id) override;
  boost::asio::awaitable<Result<model::Contact>> create_contact(
      const model::ContactDetails& spec, std::string_view idempotency_key) override;
  boost::asio::awaitable<Result<model::Contact>> update_contact(
      std::string_view remote_id, const connector::ContactUpdate& update) override;
  boost::asio::awaitable<Result<std::vector<model::Contact>>> find_contacts_by_name(
      std::string_view name) override;
  std::string invoice_url(const model::Invoice& invoice) const override;
  std::string new_invoice_url(std::string_view contact_remote_id) const override;
  boost::asio::awaitable<Result<connector::Page<model::Quote>>> list_quotes(connector::ListRequest request) override;
  boost::asio::awaitable<Result<model::Quote>> create_quote(const model::QuoteSpec& spec,
                                                            std::string_view idempotency_key) override;
  boost::asio::awaitable<Result<model::Quote>> update_quote(std::string_view remote_id,
                                                            const model::QuoteSpec& spec) override;
  boost::asio::awaitable<Result<std::vector<model::Quote>>> find_quotes_by_reference(
      std::string_view reference) override;

 private:
  // GET <base>/<resource>?view=all&sort=…&page=N&per_page=…[&updated_since=…].
  std::string list_query(std::string_view resource, std::string_view sort, int page,
                         std::string_view cursor) const;
  // GET /estimates/:id with its items; the quote's link set.
  boost::asio::awaitable<Result<EstimateDetail>> get_estimate(std::string_view remote_id);

  // Owned by the executor's thread, like the connector itself.
  FreeAgentSettings settings_;
  connector::OAuthApi api_;
  std::optional<connector::Tenant> tenant_;
  std::string subdomain_;
  std::optional<model::Timestamp> estimate_pass_high_;  // the newest updated_at of the current estimates pass
};

}  // namespace capsync::freeagent
