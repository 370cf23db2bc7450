#include "connectors/kashflow/kashflow_connector.hpp"

#include <algorithm>

#include "connectors/kashflow/customers.hpp"
#include "connectors/kashflow/errors.hpp"
#include "connectors/kashflow/invoices.hpp"
#include "connectors/kashflow/links.hpp"
#include "connectors/kashflow/lists.hpp"
#include "connectors/kashflow/quotes.hpp"
#include "connectors/kashflow/suppliers.hpp"
#include "core/connector/cursor.hpp"
#include "core/connector/json.hpp"
#include "core/connector/text.hpp"
#include "core/http/url_encoding.hpp"

namespace capsync::kashflow {

namespace asio = boost::asio;
using connector::ListRequest;
using connector::Page;
using connector::trim;

namespace {

constexpr int kCodeAttempts = 5;

bool json_body(std::string_view body) { return connector::json::well_formed(body); }

}  // namespace

KashFlowConnector::KashFlowConnector(connector::HttpSender& http, connector::TokenSource& tokens,
                                     KashFlowSettings settings)
    : http_(http), tokens_(tokens), settings_(std::move(settings)) {
  while (settings_.base_url.ends_with('/')) settings_.base_url.pop_back();
  while (settings_.web_url.ends_with('/')) settings_.web_url.pop_back();
  api_origin_ = settings_.base_url;
  if (api_origin_.ends_with("/v2")) api_origin_.resize(api_origin_.size() - 3);
}

connector::Capabilities KashFlowConnector::capabilities() const {
  return {.idempotency_key = false,    // search by name before create
          .deletion_feed = false,      // deletions need a full scan
          .archived_in_list = true,    // IsArchived customers are listed
          .supplier_flag = true,       // customers, then suppliers (is_supplier), are listed
          .website_writable = true,
          .quotes_read = true,
          .quotes_write = true};  // creates and finds; a KashFlow quote is never a draft (quotes.hpp)
}

http::Request KashFlowConnector::request(http::Method method, std::string path_and_query) const {
  http::Request r;
  r.method = method;
  r.url = settings_.base_url + std::move(path_and_query);
  r.headers.emplace_back("Accept", "application/json");
  r.timeout = settings_.timeout;
  r.gate = settings_.gate;
  r.accept_body = json_body;
  return r;
}

asio::awaitable<Result<http::Response>> KashFlowConnector::call(http::Request req) {
  for (int attempt = 0;; ++attempt) {
    auto token = co_await tokens_.access_token();
    if (!token) co_return token.error();
    http::Request r = req;
    r.headers.emplace_back("Authorization", "KfToken " + std::string(token->reveal()));
    auto response = co_await http_.send(std::move(r));
    if (!response) co_return response.error();
    if (response->status == 401 && attempt == 0 && error_code(response->body) == "InvalidSessionToken") {
      tokens_.invalidate();  // idle for an hour (or ended): log in again once
      continue;
    }
    co_return response;
  }
}

asio::awaitable<Result<http::Response>> KashFlowConnector::get_ok(std::string path_and_query, std::string what) {
  auto response = co_await call(request(http::Method::get, std::move(path_and_query)));
  if (!response) co_return response.error().with_context(fmt::format("Failed to fetch {}", what));
  if (!response->ok()) co_return map_error(*response, what);
  co_return response;
}

asio::awaitable<Result<connector::Tenant>> KashFlowConnector::tenant() {
  if (tenant_) co_return *tenant_;
  auto response = co_await get_ok("/metadata", "the account metadata");
  if (!response) co_return response.error();
  auto doc = connector::json::parse(response->body);
  if (!doc) co_return doc.error().with_context("KashFlow returned malformed account metadata");
  tenant_ = connector::Tenant{settings_.username, fmt::format("KashFlow user {}", settings_.username)};
  co_return *tenant_;
}

asio::awaitable<Result<ListEnvelope>> KashFlowConnector::list_page(const ListOf& list, int page) {
  std::string what = fmt::format("the {} page {}", list.resource, page);
  auto response = co_await get_ok(fmt::format("/{}?page={}&perpage={}&sortby={}&order=Asc", list.resource, page,
                                              settings_.page_size, list.sort),
                                  what);
  if (!response) co_return response.error();
  auto envelope = parse_list(response->body);
  if (!envelope) co_return envelope.error().with_context(fmt::format("KashFlow returned a malformed {}", what));
  co_return envelope;
}

asio::awaitable<Result<KashFlowConnector::PassPage>> KashFlowConnector::pass_page(ListPhases& phases, int page,
                                                                                  const ListOf& first,
                                                                                  const ListOf* second) {
  auto at = phases.locate(page);
  if (!at.second) {
    auto list = co_await list_page(first, at.page);
    if (!list) co_return list.error();
    phases.count_first(list->total);
    if (second == nullptr || list->has_next) {
      const bool more = list->has_next;
      co_return PassPage{&first, at.page, std::move(*list), more, phases.first_total()};
    }
    // The first list ended here unless this page lies past its end, in a pass this connector
    // did not start: then its TotalRecords places the page (list_phases.hpp).
    const bool past_end = list->items->Empty() && page > 1 && !phases.first_known();
    if (past_end) {
      phases.learn_total(list->total, settings_.page_size);
      at = phases.locate(page);
    }
    if (!at.second) {
      phases.first_ended(page);
      co_return PassPage{&first, at.page, std::move(*list), true, phases.first_total()};
    }
  }
  auto list = co_await list_page(*second, at.page);
  if (!list) co_return list.error();
  const bool more = list->has_next;
  const long long total = phases.first_total() + list->total;
  co_return PassPage{second, at.page, std::move(*list), more, total};
}

connector::Decoded<model::Contact> KashFlowConnector::contacts_of(const PassPage& page) const {
  return page.list_of == &kSuppliers ? parse_suppliers(*page.list.items) : parse_customers(*page.list.items);
}

asio::awaitable<Result<Page<model::Contact>>> KashFlowConnector::list_contacts(ListRequest req) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto since = connector::parse_cursor(req.cursor, "KashFlow");
  if (!since) co_return since.error();
  if (req.page == 1 || !pass_high_) pass_high_ = *since;
  auto step = co_await pass_page(contact_phases_, req.page, kCustomers, &kSuppliers);
  if (!step) co_return step.error();
  auto contacts = contacts_of(*step);
  Page<model::Contact> page;
  page.page = req.page;
  page.has_next = step->has_next;
  page.total = step->total;
  page.items = std::move(contacts.items);
  page.unreadable = std::move(contacts.unreadable);
  for (const auto& c : page.items)
    if (c.updated_at && (!pass_high_ || *c.updated_at > *pass_high_)) pass_high_ = c.updated_at;
  if (*since)
    std::erase_if(page.items, [&](const model::Contact& c) { return c.updated_at && *c.updated_at < **since; });
  // Customers and suppliers come in code order: a mark saved before the pass's last page could
  // skip older changes on the pages not yet read, should the pass stop there.
  page.cursor = !page.has_next && pass_high_ ? model::format_timestamp(*pass_high_) : req.cursor;
  co_return page;
}

asio::awaitable<Result<Page<model::Invoice>>> KashFlowConnector::list_invoices(ListRequest req, bool include_purchase) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto step = co_await pass_page(invoice_phases_, req.page, kInvoices, include_purchase ? &kPurchases : nullptr);
  if (!step) co_return step.error();
  const bool purchases = step->list_of == &kPurchases;
  Page<model::Invoice> page;
  page.page = req.page;
  page.has_next = step->has_next;
  page.total = step->total;
  page.cursor = req.cursor;
  auto invoices = parse_invoices(*step->list.items, api_origin_, purchases);
  page.items = std::move(invoices.items);
  page.unreadable = std::move(invoices.unreadable);
  for (auto& inv : page.items) inv.url = invoice_url(inv);
  co_return page;
}

Result<model::Contact> KashFlowConnector::parse_contact_body(std::string_view remote_id, std::string_view body) {
  return supplier_code(remote_id) ? parse_supplier_body(body) : parse_customer_body(body);
}

std::string KashFlowConnector::contact_path(std::string_view remote_id) {
  if (auto code = supplier_code(remote_id)) return fmt::format("/suppliers/{}", http::encode_component(*code));
  return fmt::format("/customers/{}", http::encode_component(remote_id));
}

std::string KashFlowConnector::contact_noun(std::string_view remote_id) {
  if (auto code = supplier_code(remote_id)) return fmt::format("supplier {}", *code);
  return fmt::format("customer {}", remote_id);
}

asio::awaitable<Result<model::Contact>> KashFlowConnector::get_contact(std::string_view remote_id) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string what = contact_noun(remote_id);
  auto response = co_await get_ok(contact_path(remote_id), what);
  if (!response) co_return response.error();
  auto contact = parse_contact_body(remote_id, response->body);
  if (!contact) co_return contact.error().with_context(fmt::format("KashFlow returned a malformed {}", what));
  co_return contact;
}

asio::awaitable<Result<model::Contact>> KashFlowConnector::create_contact(const model::ContactDetails& spec,
                                                                          std::string_view) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string name = trim(spec.name).empty() ? trim(spec.first_name + " " + spec.last_name) : trim(spec.name);
  std::string what = fmt::format("customer '{}'", name);
  for (int n = 1;; ++n) {
    auto r = request(http::Method::post, "/customers");
    r.body = customer_create_body(spec, customer_code(name, n));
    r.content_type = "application/json";
    auto response = co_await call(std::move(r));
    if (!response) co_return response.error().with_context(fmt::format("Failed to send {}", what));
    // Should CreateCustomerCodeIfDuplicate not do what its name says, try the next code.
    if (response->status == 400 && n < kCodeAttempts && error_code(response->body).find("Duplicate") != std::string::npos)
      continue;
    if (!response->ok()) co_return map_error(*response, what);
    auto customer = parse_customer_body(response->body);
    if (!customer)
      co_return customer.error().with_context(fmt::format("KashFlow returned a malformed answer for {}", what));
    co_return customer;
  }
}

asio::awaitable<Result<model::Contact>> KashFlowConnector::update_contact(std::string_view remote_id,
                                                                          const connector::ContactUpdate& update) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string what = fmt::format("{} '{}'", contact_noun(remote_id), update.desired.name);
  std::string path = contact_path(remote_id);
  auto current = co_await get_ok(path, what);
  if (!current) co_return current.error();
  auto body = customer_update_body(current->body, update);
  if (!body) co_return body.error().with_context(fmt::format("KashFlow returned a malformed {}", what));
  if (!*body) {
    auto unchanged = parse_contact_body(remote_id, current->body);
    if (!unchanged) co_return unchanged.error().with_context(fmt::format("KashFlow returned a malformed {}", what));
    co_return unchanged;
  }
  auto r = request(http::Method::put, std::move(path));
  r.body = std::move(**body);
  r.content_type = "application/json";
  r.retry_safe = true;  // the whole record sent twice has the same result
  auto response = co_await call(std::move(r));
  if (!response) co_return response.error().with_context(fmt::format("Failed to send {}", what));
  if (!response->ok()) co_return map_error(*response, what);
  auto contact = parse_contact_body(remote_id, response->body);
  // What a PUT answers is unverified: when it is not the record, read the record back.
  if (!contact) co_return co_await get_contact(remote_id);
  co_return contact;
}

asio::awaitable<Result<std::vector<model::Contact>>> KashFlowConnector::find_contacts_by_name(std::string_view name) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string wanted = trim(name);
  std::vector<model::Contact> out;
  ListPhases phases;  // a pass of its own over customers, then suppliers (R13 on both)
  for (int page = 1;; ++page) {
    auto step = co_await pass_page(phases, page, kCustomers, &kSuppliers);
    if (!step) co_return step.error().with_context(fmt::format("Failed to search contact '{}'", wanted));
    for (auto& c : contacts_of(*step).items)
      if (c.display_name() == wanted) out.push_back(std::move(c));
    if (!step->has_next) break;
  }
  co_return out;
}

std::string KashFlowConnector::invoice_url(const model::Invoice& invoice) const {
  return invoice_link(settings_.web_url, invoice);
}

std::string KashFlowConnector::new_invoice_url(std::string_view contact_remote_id) const {
  return new_invoice_link(settings_.web_url, contact_remote_id);
}

asio::awaitable<Result<std::optional<int>>> KashFlowConnector::quote_valid_days() {
  if (quote_days_) co_return *quote_days_;
  auto response = co_await call(request(http::Method::get, "/settings/quote"));
  if (!response) co_return response.error().with_context("Failed to fetch the quote settings");
  // Without the settings a quote still reads, only without its expiry.
  quote_days_ = response->ok() ? kashflow::quote_valid_days(response->body) : std::nullopt;
  co_return *quote_days_;
}

asio::awaitable<Result<Page<model::Quote>>> KashFlowConnector::list_quotes(ListRequest req) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto days = co_await quote_valid_days();
  if (!days) co_return days.error();
  auto list = co_await list_page(kQuotes, req.page);
  if (!list) co_return list.error();
  auto quotes = parse_quotes(*list->items, api_origin_, *days);
  Page<model::Quote> page;
  page.page = req.page;
  page.has_next = list->has_next;
  page.cursor = req.cursor;  // no update date: every pass reads every quote
  page.items = std::move(quotes.items);
  page.unreadable = std::move(quotes.unreadable);
  co_return page;
}

asio::awaitable<Result<model::Quote>> KashFlowConnector::create_quote(const model::QuoteSpec& spec, std::string_view) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string what = fmt::format("quote '{}'", spec.reference);
  auto body = quote_body(spec);
  if (!body) co_return body.error().with_context(fmt::format("Failed to create {}", what));
  auto r = request(http::Method::post, "/quotes");
  r.body = std::move(*body);
  r.content_type = "application/json";
  auto response = co_await call(std::move(r));
  if (!response) co_return response.error().with_context(fmt::format("Failed to send {}", what));
  if (!response->ok()) co_return map_error(*response, what);
  auto days = co_await quote_valid_days();
  if (!days) co_return days.error();
  auto quote = parse_quote_body(response->body, api_origin_, *days);
  if (!quote) co_return quote.error().with_context(fmt::format("KashFlow returned a malformed answer for {}", what));
  co_return quote;
}

asio::awaitable<Result<model::Quote>> KashFlowConnector::update_quote(std::string_view remote_id,
                                                                      const model::QuoteSpec&) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string what = fmt::format("quote {}", remote_id);
  auto current = co_await get_ok(fmt::format("/quotes/{}", http::encode_component(remote_id)), what);
  if (!current) co_return current.error();
  auto quote = parse_quote_body(current->body, api_origin_);
  if (!quote) co_return quote.error().with_context(fmt::format("KashFlow returned a malformed {}", what));
  // Every KashFlow quote reads as sent (quotes.hpp): R21 leaves it as it is.
  co_return make_error(Errc::conflict, "Failed to update KashFlow {}: it is {}, and capsync changes only drafts", what,
                       model::display_name(quote->status));
}

asio::awaitable<Result<std::vector<model::Quote>>> KashFlowConnector::find_quotes_by_reference(
    std::string_view reference) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto days = co_await quote_valid_days();
  if (!days) co_return days.error();
  std::vector<model::Quote> out;
  for (int page = 1;; ++page) {
    auto list = co_await list_page(kQuotes, page);
    if (!list) co_return list.error().with_context(fmt::format("Failed to search quote '{}'", reference));
    for (auto& q : parse_quotes(*list->items, api_origin_, *days).items)
      if (q.reference == reference) out.push_back(std::move(q));
    if (!list->has_next) break;
  }
  co_return out;
}

}  // namespace capsync::kashflow
