#pragma once
// XeroConnector: the AccountingConnector for the Xero Accounting API.
//  - tenant: GET <base>/connections (checked against the configured tenant_id), then every
//    call carries xero-tenant-id; the organisation's ShortCode makes deep links open the right
//    organisation.
//  - lists: page + pageSize, If-Modified-Since (whole seconds, rounded down) and
//    order=UpdatedDateUTC ASC; items older than the cursor are dropped here, so callers get
//    exactly ">= cursor". includeArchived=true so archived contacts reach R15.
//  - writes: PUT /Contacts with Idempotency-Key; POST /Contacts/{id} with changed fields only.
//  - a 401 invalidates the token and retries once.

#include <optional>
#include <string>

#include "core/connector/accounting_connector.hpp"
#include "core/connector/http_sender.hpp"
#include "core/connector/oauth_api.hpp"
#include "core/connector/token_source.hpp"

namespace capsync::xero {

struct XeroSettings {
  std::string base_url;  // the registry entry's or the config's: <base>/api.xro/2.0/… and <base>/connections
  std::optional<std::string> tenant_id;           // else the only connected organisation
  int page_size = 100;                            // Xero allows up to 1000 (second-hand)
  std::chrono::milliseconds timeout{30000};
  http::RequestGate* gate = nullptr;              // the connection's Xero rate limiter
};

class XeroConnector final : public connector::AccountingConnector {
 public:
  XeroConnector(connector::HttpSender& http, connector::TokenSource& tokens, XeroSettings settings);
  XeroConnector(const XeroConnector&) = delete;
  XeroConnector& operator=(const XeroConnector&) = delete;

  std::string_view provider() const override { return "xero"; }
  connector::Capabilities capabilities() const override;
  boost::asio::awaitable<Result<connector::Tenant>> tenant() override;
  void forget_tenant() override { tenant_.reset(); }
  boost::asio::awaitable<Result<connector::Page<model::Contact>>> list_contacts(
      connector::ListRequest request) override;
  boost::asio::awaitable<Result<connector::Page<model::Invoice>>> list_invoices(
      connector::ListRequest request, bool include_purchase) override;
  boost::asio::awaitable<Result<model::Contact>> get_contact(std::string_view remote_id) override;
  // GET /Contacts?IDs= and GET /Invoices?IDs=, up to 50 ids a request (one page).
  boost::asio::awaitable<Result<std::vector<model::Contact>>> get_contacts(std::span<const std::string> ids) override;
  boost::asio::awaitable<Result<std::vector<model::Invoice>>> get_invoices(std::span<const std::string> ids,
                                                                           bool include_purchase) override;
  boost::asio::awaitable<Result<model::Contact>> create_contact(
      const model::ContactDetails& spec, std::string_view idempotency_key) override;
  boost::asio::awaitable<Result<model::Contact>> update_contact(
      std::string_view remote_id, const connector::ContactUpdate& update) override;
  boost::asio::awaitable<Result<std::vector<model::Contact>>> find_contacts_by_name(
      std::string_view name) override;
  std::string invoice_url(const model::Invoice& invoice) const override;
  std::string new_invoice_url(std::string_view contact_remote_id) const override;

  // Quotes (xero_connector_quotes.cpp, mapping in quotes.hpp): GET /Quotes is paged by 100 (no
  // pageSize, xero_accounting.yaml getQuotes) and has no Reference filter; `where` is ignored
  // there (https://github.com/calcinai/xero-php/issues/675). So a search by reference is a
  // bounded scan of the most recently changed quotes (kQuoteScanPages pages), which is where a
  // create lost to a crash is.
  boost::asio::awaitable<Result<connector::Page<model::Quote>>> list_quotes(connector::ListRequest request) override;
  boost::asio::awaitable<Result<model::Quote>> create_quote(const model::QuoteSpec& spec,
                                                            std::string_view idempotency_key) override;
  // Reads the quote first: one that is no longer a draft is Errc::conflict and left alone (R21);
  // its Terms are carried over, since an update that leaves them out clears them.
  boost::asio::awaitable<Result<model::Quote>> update_quote(std::string_view remote_id,
                                                            const model::QuoteSpec& spec) override;
  boost::asio::awaitable<Result<std::vector<model::Quote>>> find_quotes_by_reference(
      std::string_view reference) override;
  std::string quote_url(const model::Quote& quote) const;
  static constexpr int kQuoteScanPages = 20;  // 2,000 quotes, newest changes first

 private:
  // One listed page as Xero answered it.
  struct ListedPage {
    std::optional<model::Timestamp> since;  // the cursor's time: older items are dropped
    std::optional<std::string> body;        // none: 304, nothing changed since the cursor
    std::string malformed;                  // the context of an error parsing `body`
    // The page before its items: the request's number and cursor.
    template <typename T>
    connector::Page<T> empty(const connector::ListRequest& request) const {
      connector::Page<T> page;
      page.page = request.page;
      page.cursor = request.cursor;
      return page;
    }
  };
  // GET `path` (with its query) for page `request.page` once the tenant is known,
  // If-Modified-Since the request's cursor; `noun` ("Contacts") names the page in errors.
  boost::asio::awaitable<Result<ListedPage>> fetch_page(const connector::ListRequest& request, std::string path,
                                                        std::string_view noun);
  // A PUT that creates a record, with `key` as its Idempotency-Key (none when empty); a key
  // longer than Xero takes is Errc::invalid_argument.
  Result<http::Request> create_request(std::string path, std::string body, std::string_view key);
  boost::asio::awaitable<Result<model::Contact>> single_contact(http::Request request,
                                                                std::string what);
  // The one quote of a GET/PUT/POST answer, with its link; `terms` as parse_quote.
  boost::asio::awaitable<Result<model::Quote>> single_quote(http::Request request, std::string what,
                                                            std::string* terms = nullptr);

  // Owned by the executor's thread, like the connector itself.
  XeroSettings settings_;
  connector::OAuthApi api_;  // every call carries xero-tenant-id once the tenant is chosen
  std::optional<connector::Tenant> tenant_;
  std::string short_code_;
};

}  // namespace capsync::xero
