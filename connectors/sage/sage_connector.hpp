#pragma once
// SageConnector: the AccountingConnector for Sage Business Cloud Accounting API v3.1.
//  - business: the configured business_id (checked against GET /businesses) or the lead
//    business (GET /businesses/lead); every call then carries X-Business.
//  - lists: page + items_per_page (max 200) + attributes=all, stopping when $next is null;
//    updated_or_created_since (inclusive, whole seconds); items older than the cursor are
//    dropped here, so callers get exactly ">= cursor". An incremental contact read also asks
//    deleted_since for deletions (R15). Invoices: sales_invoices, then purchase_invoices when
//    supplier invoices are included, numbered as one run of pages.
//  - writes: POST /contacts with idempotency_id (a retried create returns the first answer);
//    PUT /contacts/{id} with changed fields only. Sage accepts duplicate names, so R13 rests on
//    the exact-name search (find_contacts_by_name) the engine runs before every export.
//  - invoices are only ever read through lists: GET /sales_invoices/{id} would mark them sent.
//  - quotes (R18-R21, quotes.hpp): sales quotes and sales estimates are both read, in one pass
//    (quotes' pages, then estimates'), attributes=all, updated_or_created_since; the cursor
//    moves on the pass's last page only, as neither list is read in change order. No
//    deleted_since exists for them: a deleted quote vanishes. `creates` says which of the two
//    capsync drafts (the connection's `quote_kind`, default quote): POST with status_id DRAFT
//    and idempotency_id. Lines post to the sales ledger account whose nominal code is the
//    spec's account code, or, with none, the lowest-numbered sales account (GET
//    /ledger_accounts?visible_in=sales). Updates read the quote first and refuse anything but
//    a draft (Errc::conflict, R21), then PUT every text field and the line.
//    find_quotes_by_reference uses Sage's search filter (reference or contact name, both
//    resources) and keeps exact references.
//  - a 401 invalidates the token (5-minute lifetime) and retries once.

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "connectors/sage/quotes.hpp"
#include "core/connector/accounting_connector.hpp"
#include "core/connector/http_sender.hpp"
#include "core/connector/oauth_api.hpp"
#include "core/connector/token_source.hpp"

namespace capsync::sage {

struct SageSettings {
  std::string base_url;  // the registry entry's or the config's
  std::string web_url = "https://accounting.sageone.co.uk";  // the web app, for deep links
  std::optional<std::string> business_id;                    // else the lead business
  int page_size = 200;                                        // Sage's maximum
  QuoteKind creates = QuoteKind::quote;                       // what create_quote drafts
  std::chrono::milliseconds timeout{30000};
  http::RequestGate* gate = nullptr;  // the connection's Sage rate limiter
};

class SageConnector final : public connector::AccountingConnector {
 public:
  SageConnector(connector::HttpSender& http, connector::TokenSource& tokens, SageSettings settings);
  SageConnector(const SageConnector&) = delete;
  SageConnector& operator=(const SageConnector&) = delete;

  std::string_view provider() const override { return "sage"; }
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
  boost::asio::awaitable<Result<model::Contact>> single_contact(http::Request request, std::string what);
  boost::asio::awaitable<Result<std::vector<model::Contact>>> deleted_contacts(std::string_view since);
  boost::asio::awaitable<Result<connector::Page<model::Invoice>>> invoice_page(
      std::string_view resource, model::InvoiceType type, const std::string& cursor, int page, int asked_page);

  // One page of sales quotes or estimates: `page` of that list, numbered `asked_page` in the pass.
  boost::asio::awaitable<Result<connector::Page<model::Quote>>> quote_page(QuoteKind kind, const std::string& cursor,
                                                                         int page, int asked_page);
  // The sales ledger account a quote line posts to (see above).
  boost::asio::awaitable<Result<std::string>> ledger_account(std::string_view account_code);

  SageSettings settings_;
  connector::OAuthApi api_;  // every call carries X-Business once the business is known
  std::optional<connector::Tenant> tenant_;
  // Pages of sales invoices in the current pass (by cursor), so purchase pages follow them.
  std::optional<std::pair<std::string, int>> sales_pages_;
  long long sales_total_ = 0;  // their $total: purchase pages count on from it (progress)
  // Pages of sales quotes in the current quotes pass (by cursor), and the newest updated_at seen.
  std::optional<std::pair<std::string, int>> quote_pages_;
  std::optional<model::Timestamp> quote_pass_high_;
  std::map<std::string, std::string, std::less<>> ledger_accounts_;  // account code -> ledger account id
};

}  // namespace capsync::sage
