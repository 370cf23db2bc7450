#pragma once
// KashFlowConnector: the AccountingConnector for KashFlow's REST API v2
// (https://api.kashflow.com/v2). KashFlow marks every REST v2 page "isn't ready for public use
// yet ... very likely to break in a future update": shapes here follow those pages and may move.
//  - auth: the session token from SessionTokens ("Authorization: KfToken <token>"); a 401
//    InvalidSessionToken (60 minutes idle) logs in again once and retries. Refused credentials
//    are never retried (session_tokens.hpp).
//  - tenant: the login plus GET /metadata (a cheap authenticated read; KashFlow documents no
//    "current user" read), named after the configured username.
//  - lists: page + perpage (100) + sortby + order=Asc, going on while MetaData.NextPageUrl is
//    set. No updated-since filter is documented, so an incremental customer pull reads every
//    page and drops customers whose LastUpdatedDate is before the cursor (callers get
//    ">= cursor"); the new cursor is handed back on the last page only, as customers come in
//    code order, not in update order. Invoices carry no update date: every pass reads all.
//  - suppliers and purchases are separate resources and are never read: supplier invoices are
//    not supported (include_purchase is ignored; R6's exclusion always holds).
//  - writes: POST /customers with a code made from the name (customers.hpp; another is tried
//    when KashFlow says it is taken); PUT /customers/{code} with the whole customer, read just
//    before. Names may repeat, so R13 rests on find_contacts_by_name, which pages through every
//    customer (no name filter is documented) and compares exact names.

#include <chrono>
#include <optional>
#include <string>

#include "core/connector/accounting_connector.hpp"
#include "core/connector/http_sender.hpp"
#include "core/connector/token_source.hpp"

namespace capsync::kashflow {

struct KashFlowSettings {
  std::string base_url = "https://api.kashflow.com/v2";
  std::string web_url = "https://app.kashflow.com";  // the web app, for unconfirmed deep links
  std::string username;                              // names the tenant
  int page_size = 100;
  std::chrono::milliseconds timeout{45000};  // KashFlow lists can be slow
  http::RequestGate* gate = nullptr;         // the connection's KashFlow rate limiter
};

class KashFlowConnector final : public connector::AccountingConnector {
 public:
  KashFlowConnector(connector::HttpSender& http, connector::TokenSource& tokens, KashFlowSettings settings);
  KashFlowConnector(const KashFlowConnector&) = delete;
  KashFlowConnector& operator=(const KashFlowConnector&) = delete;

  std::string_view provider() const override { return "kashflow"; }
  connector::Capabilities capabilities() const override;
  boost::asio::awaitable<Result<connector::Tenant>> tenant() override;
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
  // Sends with the session token; logs in again once after a 401 InvalidSessionToken.
  boost::asio::awaitable<Result<http::Response>> call(http::Request request);
  http::Request request(http::Method method, std::string path_and_query) const;
  boost::asio::awaitable<Result<http::Response>> get_ok(std::string path_and_query, std::string what);
  boost::asio::awaitable<Result<model::Contact>> single_customer(http::Request request, std::string what);
  boost::asio::awaitable<Result<std::vector<model::Contact>>> customers_page(int page, bool* has_next);

  connector::HttpSender& http_;
  connector::TokenSource& tokens_;
  KashFlowSettings settings_;
  std::string api_origin_;  // base_url without "/v2", for relative Permalinks
  std::optional<connector::Tenant> tenant_;
  std::optional<model::Timestamp> pass_high_;  // the latest LastUpdatedDate of the current customer pass
};

}  // namespace capsync::kashflow
