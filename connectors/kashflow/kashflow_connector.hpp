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
//    set. Contacts are every customer (sortby=Code), then every supplier (/suppliers, sortby=Code,
//    is_supplier, remote id "supplier:<code>", suppliers.hpp), as one pass whose pages run on
//    from the customers' last page to the suppliers' first (list_phases.hpp, which also says why
//    a pass resumed after a crash is read whole). No updated-since filter is documented, so an
//    incremental pull reads every page and drops records whose LastUpdatedDate is before the
//    cursor (callers get ">= cursor"); the new cursor is handed back on the pass's last page
//    only, as records come in code order, not in update order.
//  - invoices: every sales invoice (/invoices); with include_purchase, then every purchase
//    (/purchases, bills keyed "purchase:<number>", invoices.hpp) in the same way. Without it
//    purchases are never requested (R6). Neither carries an update date: every pass reads all.
//  - writes: POST /customers with a code made from the name (customers.hpp; another is tried
//    when KashFlow says it is taken): an export (R12) makes a customer, never a supplier. PUT
//    /customers/{code} or /suppliers/{code} with the whole record, read just before. Names may
//    repeat, so R13 rests on find_contacts_by_name, which pages through every customer and
//    supplier (no name filter is documented) and compares exact names.
//  - quotes (R18-R21, quotes.hpp): GET /quotes paged like the other lists (sortby=Number).
//    KashFlow documents no update date, no status and no filter for quotes: every pass reads
//    them all and leaves the cursor as it was; a deleted quote vanishes. Every quote reads as
//    sent, so update_quote always refuses (Errc::conflict, R21): KashFlow has no draft to
//    follow an opportunity. Creates POST /quotes (no idempotency key: the engine finds a lost
//    create by its reference); find_quotes_by_reference reads every page (TotalRecords bounds
//    it) and keeps exact CustomerReference matches. A quote's expiry is its date plus the
//    account's quote validity (GET /settings/quote, read once; unknown when that read is
//    refused).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/kashflow/list_phases.hpp"
#include "connectors/kashflow/lists.hpp"
#include "core/connector/accounting_connector.hpp"
#include "core/connector/http_sender.hpp"
#include "core/connector/token_source.hpp"

namespace capsync::kashflow {

struct KashFlowSettings {
  std::string base_url;  // the registry entry's or the config's
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
  // Sends with the session token; logs in again once after a 401 InvalidSessionToken.
  boost::asio::awaitable<Result<http::Response>> call(http::Request request);
  http::Request request(http::Method method, std::string path_and_query) const;
  boost::asio::awaitable<Result<http::Response>> get_ok(std::string path_and_query, std::string what);

  // One KashFlow list, read page by page.
  struct ListOf {
    std::string_view resource;  // path after /v2/
    std::string_view sort;      // sortby
  };
  static constexpr ListOf kCustomers{"customers", "Code"};
  static constexpr ListOf kSuppliers{"suppliers", "Code"};
  static constexpr ListOf kInvoices{"invoices", "Number"};
  static constexpr ListOf kPurchases{"purchases", "Number"};
  static constexpr ListOf kQuotes{"quotes", "Number"};
  // One page of a pass over one or two lists (list_phases.hpp).
  struct PassPage {
    const ListOf* list_of = nullptr;  // the list read
    int page = 1;                     // its page
    ListEnvelope list;
    bool has_next = false;  // the pass goes on
    long long total = 0;    // records of the pass as far as its lists' TotalRecords say
  };
  boost::asio::awaitable<Result<ListEnvelope>> list_page(const ListOf& list, int page);
  // The days a quote is valid for (quote settings), read once.
  boost::asio::awaitable<Result<std::optional<int>>> quote_valid_days();
  // Pass page `page` of `first` then, when not null, `second`.
  boost::asio::awaitable<Result<PassPage>> pass_page(ListPhases& phases, int page, const ListOf& first,
                                                     const ListOf* second);
  connector::Decoded<model::Contact> contacts_of(const PassPage& page) const;
  // A customer's code or a supplier's remote id -> its path, its name in messages, its body parsed.
  static std::string contact_path(std::string_view remote_id);
  static std::string contact_noun(std::string_view remote_id);
  static Result<model::Contact> parse_contact_body(std::string_view remote_id, std::string_view body);

  connector::HttpSender& http_;
  connector::TokenSource& tokens_;
  KashFlowSettings settings_;
  std::string api_origin_;  // base_url without "/v2", for relative Permalinks
  std::optional<connector::Tenant> tenant_;
  std::optional<model::Timestamp> pass_high_;  // the latest LastUpdatedDate of the current contact pass
  ListPhases contact_phases_;                  // customers, then suppliers
  ListPhases invoice_phases_;                  // sales invoices, then purchases
  std::optional<std::optional<int>> quote_days_;  // quote_valid_days(), once read
};

}  // namespace capsync::kashflow
