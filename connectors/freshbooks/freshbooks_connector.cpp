#include "connectors/freshbooks/freshbooks_connector.hpp"

#include <algorithm>
#include <set>

#include "connectors/freshbooks/business.hpp"
#include "connectors/freshbooks/clients.hpp"
#include "connectors/freshbooks/eastern_time.hpp"
#include "connectors/freshbooks/errors.hpp"
#include "connectors/freshbooks/estimates.hpp"
#include "connectors/freshbooks/invoices.hpp"
#include "core/connector/cursor.hpp"
#include "core/connector/json.hpp"
#include "core/connector/text.hpp"
#include "core/http/url_encoding.hpp"

namespace capsync::freshbooks {

namespace asio = boost::asio;
using connector::ListRequest;
using connector::Page;
using connector::trim;

namespace {

// search[updated_min] for a cursor: its US/Eastern day minus one, so no clock or zone
// difference can hide a change.
std::string updated_min(std::optional<model::Timestamp> since) {
  if (!since) return {};
  return model::format_date(model::Date{date::sys_days(eastern_date(*since)) - date::days{1}});
}

}  // namespace

FreshBooksConnector::FreshBooksConnector(connector::HttpSender& http, connector::TokenSource& tokens,
                                         FreshBooksSettings settings)
    : http_(http),
      tokens_(tokens),
      settings_(std::move(settings)),
      api_(http, tokens, connector::oauth_api_settings("FreshBooks", settings_, &map_error)) {}

connector::Capabilities FreshBooksConnector::capabilities() const {
  return {.idempotency_key = false,    // none documented: search by name before a retried create
          .deletion_feed = true,       // deleted clients are read with search[vis_state]=1
          .archived_in_list = true,    // lists return archived clients (vis_state 2)
          .supplier_flag = false,      // clients are customers; vendors live elsewhere
          .website_writable = false,   // FreshBooks clients have no website field
          .quotes_read = true,         // estimates
          .quotes_write = true,
          .quotes_update = true};
}

std::string FreshBooksConnector::accounting_path(std::string_view resource) const {
  return fmt::format("/accounting/account/{}/{}", http::encode_component(tenant_ ? tenant_->id : std::string()), resource);
}

asio::awaitable<Result<connector::Tenant>> FreshBooksConnector::tenant() {
  if (tenant_) co_return *tenant_;
  auto response = co_await api_.call(api_.request(http::Method::get, "/auth/api/v1/users/me"));
  if (!response) co_return response.error().with_context("Failed to fetch the FreshBooks user's businesses");
  if (!response->ok()) co_return map_error(*response, "the user's businesses (users/me)");
  auto businesses = parse_memberships(response->body);
  if (!businesses) co_return businesses.error().with_context("FreshBooks returned a malformed users/me");
  auto chosen = choose_business(*businesses, settings_.account_id);
  if (!chosen) co_return chosen.error();
  tenant_ = connector::Tenant{chosen->account_id, chosen->name};
  co_return *tenant_;
}

asio::awaitable<Result<FreshBooksConnector::ListPage>> FreshBooksConnector::list_page(std::string_view resource,
                                                                                      std::string_view what, int page,
                                                                                      std::string_view since_day) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto fetch = [&](std::int64_t n, bool deleted) {
    std::string query = fmt::format("{}?page={}&per_page={}", accounting_path(resource), n, settings_.page_size);
    if (!since_day.empty()) query += "&" + http::encode_component("search[updated_min]") + "=" + std::string(since_day);
    if (deleted) query += "&" + http::encode_component("search[vis_state]") + "=1";
    return api_.get_ok(std::move(query), std::string(what));
  };
  // page/pages/total of the result; "total" counts the whole list (freshbooks-python-sdk
  // making_calls.md "Pagination" and tests/fixtures/list_clients_response.json:
  // {"page":1,"pages":1,"per_page":15,"total":3}).
  auto paging_in = [](const std::string& body) -> Result<Paging> {
    auto doc = connector::json::parse(body);
    if (!doc) return doc.error();
    auto result = result_of(*doc);
    if (!result) return result.error();
    return paging_of(**result);
  };
  auto first = co_await fetch(page, false);
  if (!first) co_return first.error();
  auto paging = paging_in(first->body);
  if (!paging) co_return paging.error().with_context(fmt::format("FreshBooks returned a malformed answer to {}", what));
  if (page <= paging->pages) co_return ListPage{std::move(first->body), false, page, paging->pages, paging->total};
  // Past the default list: the deleted records, numbered on from its last page.
  std::int64_t deleted_page = page - paging->pages;
  auto deleted = co_await fetch(deleted_page, true);
  if (!deleted) co_return deleted.error();
  auto deleted_paging = paging_in(deleted->body);
  if (!deleted_paging)
    co_return deleted_paging.error().with_context(fmt::format("FreshBooks returned a malformed answer to {}", what));
  co_return ListPage{std::move(deleted->body), true, deleted_page, deleted_paging->pages,
                     paging->total + deleted_paging->total};
}

template <typename T>
Result<std::string> FreshBooksConnector::advance(Pass& pass, std::vector<T>& items, const ListRequest& req, bool last) {
  auto since = connector::parse_cursor(req.cursor, "FreshBooks");
  if (!since) return since.error();
  if (req.page == 1 || pass.cursor != req.cursor) pass = Pass{req.cursor, *since};
  if (*since) std::erase_if(items, [&](const T& x) { return x.updated_at && *x.updated_at < **since; });
  for (const auto& x : items)
    if (x.updated_at && (!pass.newest || *x.updated_at > *pass.newest)) pass.newest = x.updated_at;
  if (!last || !pass.newest) return std::string(req.cursor);
  return model::format_timestamp(*pass.newest);
}

asio::awaitable<Result<Page<model::Contact>>> FreshBooksConnector::list_contacts(ListRequest req) {
  auto since = connector::parse_cursor(req.cursor, "FreshBooks");
  if (!since) co_return since.error();
  std::string what = fmt::format("the clients page {}", req.page);
  auto raw = co_await list_page("users/clients", what, req.page, updated_min(*since));
  if (!raw) co_return raw.error();
  auto parsed = parse_client_list(raw->body);
  if (!parsed) co_return parsed.error().with_context(fmt::format("FreshBooks returned a malformed {}", what));
  Page<model::Contact> page;
  page.page = req.page;
  page.items = std::move(parsed->items);
  page.unreadable = std::move(parsed->unreadable);
  page.has_next = !raw->deleted || raw->page < raw->pages;
  page.total = raw->total;
  auto cursor = advance(contacts_pass_, page.items, req, !page.has_next);
  if (!cursor) co_return cursor.error();
  page.cursor = std::move(*cursor);
  co_return page;
}

asio::awaitable<Result<Page<model::Invoice>>> FreshBooksConnector::list_invoices(ListRequest req, bool) {
  // …/invoices/invoices is sales only; bills are another resource, never read here (R6).
  auto since = connector::parse_cursor(req.cursor, "FreshBooks");
  if (!since) co_return since.error();
  std::string what = fmt::format("the invoices page {}", req.page);
  auto raw = co_await list_page("invoices/invoices", what, req.page, updated_min(*since));
  if (!raw) co_return raw.error();
  auto parsed = parse_invoice_list(raw->body);
  if (!parsed) co_return parsed.error().with_context(fmt::format("FreshBooks returned a malformed {}", what));
  Page<model::Invoice> page;
  page.page = req.page;
  page.items = std::move(parsed->items);
  page.unreadable = std::move(parsed->unreadable);
  for (auto& inv : page.items) inv.url = invoice_url(inv);
  page.has_next = !raw->deleted || raw->page < raw->pages;
  page.total = raw->total;
  auto cursor = advance(invoices_pass_, page.items, req, !page.has_next);
  if (!cursor) co_return cursor.error();
  page.cursor = std::move(*cursor);
  co_return page;
}

asio::awaitable<Result<Page<model::Quote>>> FreshBooksConnector::list_quotes(ListRequest req) {
  auto since = connector::parse_cursor(req.cursor, "FreshBooks");
  if (!since) co_return since.error();
  std::string what = fmt::format("the estimates page {}", req.page);
  auto raw = co_await list_page("estimates/estimates", what, req.page, updated_min(*since));
  if (!raw) co_return raw.error();
  auto parsed = parse_estimate_list(raw->body);
  if (!parsed) co_return parsed.error().with_context(fmt::format("FreshBooks returned a malformed {}", what));
  Page<model::Quote> page;
  page.page = req.page;
  page.items = std::move(parsed->items);
  page.unreadable = std::move(parsed->unreadable);
  for (auto& q : page.items) q.url = quote_url(q);
  page.has_next = !raw->deleted || raw->page < raw->pages;
  page.total = raw->total;
  auto cursor = advance(estimates_pass_, page.items, req, !page.has_next);
  if (!cursor) co_return cursor.error();
  page.cursor = std::move(*cursor);
  co_return page;
}

asio::awaitable<Result<model::Contact>> FreshBooksConnector::get_contact(std::string_view remote_id) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string what = fmt::format("client {}", remote_id);
  auto response = co_await api_.get_ok(accounting_path("users/clients/" + http::encode_component(remote_id)), what);
  if (!response) co_return response.error();
  auto contact = parse_single_client(response->body);
  if (!contact) co_return contact.error().with_context(fmt::format("FreshBooks returned a malformed {}", what));
  co_return contact;
}

asio::awaitable<Result<model::Contact>> FreshBooksConnector::create_contact(const model::ContactDetails& spec,
                                                                            std::string_view) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string what = fmt::format("client '{}'", spec.name);
  auto r = api_.request(http::Method::post, accounting_path("users/clients"));
  r.body = client_create_body(spec);
  r.content_type = "application/json";
  auto response = co_await api_.call_ok(std::move(r), "create", what);
  if (!response) co_return response.error();
  auto contact = parse_single_client(response->body);
  if (!contact) co_return contact.error().with_context(fmt::format("FreshBooks returned a malformed answer for {}", what));
  co_return contact;
}

asio::awaitable<Result<model::Contact>> FreshBooksConnector::update_contact(std::string_view remote_id,
                                                                            const connector::ContactUpdate& update) {
  auto body = client_update_body(update);
  if (!body) co_return *update.current;  // nothing to change
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string what = fmt::format("client '{}' ({})", update.desired.name, remote_id);
  auto r = api_.request(http::Method::put, accounting_path("users/clients/" + http::encode_component(remote_id)));
  r.body = std::move(*body);
  r.content_type = "application/json";
  r.retry_safe = true;  // the same partial update applied twice has the same result
  auto response = co_await api_.call_ok(std::move(r), "update", what);
  if (!response) co_return response.error();
  auto contact = parse_single_client(response->body);
  if (!contact) co_return contact.error().with_context(fmt::format("FreshBooks returned a malformed answer for {}", what));
  co_return contact;
}

asio::awaitable<Result<std::vector<model::Contact>>> FreshBooksConnector::find_contacts_by_name(std::string_view name) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string wanted = trim(name);
  // A person's name may live only in fname/lname: search its last word there too.
  std::vector<std::pair<std::string, std::string>> searches{{"search[organization_like]", wanted}};
  if (auto space = wanted.rfind(' '); space != std::string::npos)
    searches.emplace_back("search[lname_like]", wanted.substr(space + 1));
  std::vector<model::Contact> out;
  std::set<std::string> seen;
  for (const auto& [key, value] : searches) {
    for (std::int64_t page = 1;; ++page) {
      std::string what = fmt::format("the search for client '{}' (page {})", wanted, page);
      std::string query = fmt::format("{}?page={}&per_page={}&{}={}", accounting_path("users/clients"), page,
                                      settings_.page_size, http::encode_component(key), http::encode_component(value));
      auto response = co_await api_.call_ok(api_.request(http::Method::get, std::move(query)), "run", what);
      if (!response) co_return response.error();
      auto parsed = parse_client_list(response->body);
      if (!parsed) co_return parsed.error().with_context(fmt::format("FreshBooks returned a malformed answer to {}", what));
      for (auto& c : parsed->items)
        if (c.display_name() == wanted && seen.insert(c.remote_id).second) out.push_back(std::move(c));
      if (page >= parsed->paging.pages) break;
    }
  }
  co_return out;
}

std::string FreshBooksConnector::invoice_url(const model::Invoice& invoice) const {
  return invoice_link(tenant_ ? tenant_->id : std::string(), invoice.remote_id);
}

std::string FreshBooksConnector::new_invoice_url(std::string_view contact_remote_id) const {
  return new_invoice_link(contact_remote_id);
}

}  // namespace capsync::freshbooks
