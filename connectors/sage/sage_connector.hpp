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
//  - a 401 invalidates the token (5-minute lifetime) and retries once.

#include <chrono>
#include <optional>
#include <string>

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

 private:
  boost::asio::awaitable<Result<model::Contact>> single_contact(http::Request request, std::string what);
  boost::asio::awaitable<Result<std::vector<model::Contact>>> deleted_contacts(std::string_view since);
  boost::asio::awaitable<Result<connector::Page<model::Invoice>>> invoice_page(
      std::string_view resource, model::InvoiceType type, const std::string& cursor, int page, int asked_page);

  SageSettings settings_;
  connector::OAuthApi api_;  // every call carries X-Business once the business is known
  std::optional<connector::Tenant> tenant_;
  // Pages of sales invoices in the current pass (by cursor), so purchase pages follow them.
  std::optional<std::pair<std::string, int>> sales_pages_;
};

}  // namespace capsync::sage
