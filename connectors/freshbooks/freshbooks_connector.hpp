#pragma once
// FreshBooksConnector: the AccountingConnector for FreshBooks' accounting API.
//  - tenant: GET <base>/auth/api/v1/users/me; the business's account_id (the configured one
//    when set) names every accounting URL and the deep links.
//  - lists: …/users/clients and …/invoices/invoices with page + per_page=100. FreshBooks leaves
//    deleted records (vis_state 1) out of lists unless asked for them alone, so one pass reads
//    the default list (active and archived) and then the deleted ones (search[vis_state]=1):
//    pages 1..P are the first, P+1… the second, P taken from the first list's "pages".
//    Incremental: search[updated_min] is a US/Eastern day, so the cursor's US/Eastern date minus
//    one day is sent and items older than the cursor are dropped here: callers get exactly
//    ">= cursor". FreshBooks documents no sort by `updated`, so the cursor moves only on the
//    last page of a pass (to the newest `updated` seen in it); a pass cut short reads again.
//  - customers only: clients are never suppliers and bills are never read, with or without
//    include_purchase (R6).
//  - writes: POST {"client":{…}}; PUT with changed fields only (FreshBooks' PUT is partial).
//    No idempotency key is documented: a retried create searches by name first (engine), and
//    names may repeat in FreshBooks, so R13 rests on that search (organization_like, plus
//    lname_like for a person's name, then an exact compare here).
//  - a 401 invalidates the token and retries once. Access tokens last 12 hours; refresh tokens
//    are single use and rotate (the token manager stores each new one).

#include <chrono>
#include <optional>
#include <string>

#include "core/connector/accounting_connector.hpp"
#include "core/connector/http_sender.hpp"
#include "core/connector/oauth_api.hpp"
#include "core/connector/token_source.hpp"

namespace capsync::freshbooks {

struct FreshBooksSettings {
  std::string base_url;  // the registry entry's or the config's: <base>/auth/api/v1/…, <base>/accounting/…
  std::optional<std::string> account_id;                // else the user's only business
  int page_size = 100;                                  // FreshBooks caps per_page at 100
  std::chrono::milliseconds timeout{30000};
  http::RequestGate* gate = nullptr;                    // the connection's FreshBooks rate limiter
};

class Callbacks;

class FreshBooksConnector final : public connector::AccountingConnector {
 public:
  FreshBooksConnector(connector::HttpSender& http, connector::TokenSource& tokens, FreshBooksSettings settings);
  FreshBooksConnector(const FreshBooksConnector&) = delete;
  FreshBooksConnector& operator=(const FreshBooksConnector&) = delete;

  std::string_view provider() const override { return "freshbooks"; }
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

  // Estimates (freshbooks_connector_estimates.cpp, mapping in estimates.hpp): listed like
  // invoices (default list, then the deleted ones). No idempotency key is documented, so a
  // create lost to a crash is found by reference (search[notes_like], exact po_number).
  boost::asio::awaitable<Result<connector::Page<model::Quote>>> list_quotes(connector::ListRequest request) override;
  boost::asio::awaitable<Result<model::Quote>> create_quote(const model::QuoteSpec& spec,
                                                            std::string_view idempotency_key) override;
  // Reads the estimate first: one that is no longer a draft is Errc::conflict and left alone
  // (R21); its terms are carried over.
  boost::asio::awaitable<Result<model::Quote>> update_quote(std::string_view remote_id,
                                                            const model::QuoteSpec& spec) override;
  boost::asio::awaitable<Result<std::vector<model::Quote>>> find_quotes_by_reference(
      std::string_view reference) override;
  std::string quote_url(const model::Quote& quote) const;

  // The callbacks API of business `account_id` (R25), on this connection's login and rate
  // limiter (callbacks.cpp).
  Callbacks callbacks(std::string account_id);

 private:
  // Which list of a pass a page comes from, and that list's page number.
  struct ListPage {
    std::string body;
    bool deleted = false;
    std::int64_t page = 1;
    std::int64_t pages = 1;
    // Records of the pass: the default list's total, plus the deleted list's once it is read.
    std::int64_t total = 0;
  };
  // The newest `updated` seen so far in the current pass over one list from one cursor.
  struct Pass {
    std::string cursor;
    std::optional<model::Timestamp> newest;
  };

  // "/accounting/account/<account_id>/<resource>".
  std::string accounting_path(std::string_view resource) const;
  // Page `page` of a pass over `resource` (default list, then the deleted one).
  boost::asio::awaitable<Result<ListPage>> list_page(std::string_view resource, std::string_view what, int page,
                                                     std::string_view updated_min);
  // Drops items older than the cursor and gives the cursor to hand back for this page.
  template <typename T>
  Result<std::string> advance(Pass& pass, std::vector<T>& items, const connector::ListRequest& request, bool last);

  // Owned by the executor's thread, like the connector itself.
  connector::HttpSender& http_;
  connector::TokenSource& tokens_;
  FreshBooksSettings settings_;
  connector::OAuthApi api_;
  std::optional<connector::Tenant> tenant_;
  Pass contacts_pass_, invoices_pass_, estimates_pass_;
};

}  // namespace capsync::freshbooks
