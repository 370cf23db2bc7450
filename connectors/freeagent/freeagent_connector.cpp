#include "connectors/freeagent/freeagent_connector.hpp"

#include <algorithm>

#include "connectors/freeagent/contacts.hpp"
#include "connectors/freeagent/errors.hpp"
#include "connectors/freeagent/invoices.hpp"
#include "connectors/freeagent/links.hpp"
#include "core/connector/cursor.hpp"
#include "core/connector/headers.hpp"
#include "core/connector/text.hpp"
#include "core/http/url_encoding.hpp"

namespace capsync::freeagent {

namespace asio = boost::asio;
using connector::ListRequest;
using connector::Page;
using connector::trim;

namespace {

bool has_next(const http::Response& r) {
  auto link = connector::find_header(r.headers, "Link");
  return link && !connector::next_link(*link).empty();
}

}  // namespace

FreeAgentConnector::FreeAgentConnector(connector::HttpSender& http, connector::TokenSource& tokens,
                                       FreeAgentSettings settings)
    : settings_(std::move(settings)),
      api_(http, tokens, connector::oauth_api_settings("FreeAgent", settings_, &map_error)) {}

connector::Capabilities FreeAgentConnector::capabilities() const {
  return {.idempotency_key = false,
          .deletion_feed = false,     // no deleted-records feed: deletions need a full scan
          .archived_in_list = true,   // view=all lists Hidden contacts
          .supplier_flag = false,     // only list views say client/supplier
          .website_writable = false}; // FreeAgent contacts have no website field
}

std::string FreeAgentConnector::list_query(std::string_view resource, std::string_view sort, int page,
                                           std::string_view cursor) const {
  std::string query = fmt::format("/{}?view=all&sort={}&page={}&per_page={}", resource, sort, page, settings_.page_size);
  if (!cursor.empty()) query += "&updated_since=" + http::encode_component(cursor);
  return query;
}

asio::awaitable<Result<connector::Tenant>> FreeAgentConnector::tenant() {
  if (tenant_) co_return *tenant_;
  auto response = co_await api_.call(api_.request(http::Method::get, "/company"));
  if (!response) co_return response.error().with_context("Failed to fetch the FreeAgent company");
  if (!response->ok()) co_return map_error(*response, "the company");
  auto company = parse_company(response->body);
  if (!company) co_return company.error().with_context("FreeAgent returned a malformed company");
  subdomain_ = company->subdomain;
  tenant_ = connector::Tenant{company->subdomain.empty() ? company->url : company->subdomain, company->name};
  co_return *tenant_;
}

asio::awaitable<Result<Page<model::Contact>>> FreeAgentConnector::list_contacts(ListRequest req) {
  auto since = connector::parse_cursor(req.cursor, "FreeAgent");
  if (!since) co_return since.error();
  std::string what = fmt::format("the contacts page {}", req.page);
  auto response = co_await api_.get_ok(list_query("contacts", "updated_at", req.page, req.cursor), what);
  if (!response) co_return response.error();
  auto parsed = parse_contacts(response->body);
  if (!parsed)
    co_return parsed.error().with_context(fmt::format("FreeAgent returned a malformed contacts page (page {})", req.page));
  Page<model::Contact> page;
  page.page = req.page;
  page.items = std::move(parsed->items);
  page.unreadable = std::move(parsed->unreadable);
  page.cursor = connector::keep_new(page.items, *since, req.cursor);
  page.has_next = has_next(*response);
  co_return page;
}

asio::awaitable<Result<Page<model::Invoice>>> FreeAgentConnector::list_invoices(ListRequest req, bool) {
  // /v2/invoices is sales only; supplier bills are another resource, never read here (R6).
  auto t = co_await tenant();  // the subdomain for the invoices' links
  if (!t) co_return t.error();
  auto since = connector::parse_cursor(req.cursor, "FreeAgent");
  if (!since) co_return since.error();
  std::string what = fmt::format("the invoices page {}", req.page);
  auto response = co_await api_.get_ok(list_query("invoices", "updated_at", req.page, req.cursor), what);
  if (!response) co_return response.error();
  auto parsed = parse_invoices(response->body);
  if (!parsed)
    co_return parsed.error().with_context(fmt::format("FreeAgent returned a malformed invoices page (page {})", req.page));
  Page<model::Invoice> page;
  page.page = req.page;
  page.items = std::move(parsed->items);
  page.unreadable = std::move(parsed->unreadable);
  for (auto& inv : page.items) inv.url = invoice_url(inv);
  page.cursor = connector::keep_new(page.items, *since, req.cursor);
  page.has_next = has_next(*response);
  co_return page;
}

asio::awaitable<Result<model::Contact>> FreeAgentConnector::get_contact(std::string_view remote_id) {
  std::string what = fmt::format("contact {}", remote_id);
  auto response = co_await api_.get_ok(fmt::format("/contacts/{}", http::encode_component(remote_id)), what);
  if (!response) co_return response.error();
  auto contact = parse_single_contact(response->body);
  if (!contact) co_return contact.error().with_context(fmt::format("FreeAgent returned a malformed {}", what));
  co_return contact;
}

asio::awaitable<Result<model::Contact>> FreeAgentConnector::create_contact(const model::ContactDetails& spec,
                                                                           std::string_view) {
  std::string what = fmt::format("contact '{}'", spec.name);
  auto r = api_.request(http::Method::post, "/contacts");
  r.body = contact_create_body(spec);
  r.content_type = "application/json";
  auto response = co_await api_.call_ok(std::move(r), "create", what);
  if (!response) co_return response.error();
  auto contact = parse_single_contact(response->body);
  if (!contact) co_return contact.error().with_context(fmt::format("FreeAgent returned a malformed answer for {}", what));
  co_return contact;
}

asio::awaitable<Result<model::Contact>> FreeAgentConnector::update_contact(std::string_view remote_id,
                                                                           const connector::ContactUpdate& update) {
  auto body = contact_update_body(update);
  if (!body) co_return *update.current;  // nothing differs
  std::string what = fmt::format("contact '{}' ({})", update.desired.name, remote_id);
  auto r = api_.request(http::Method::put, fmt::format("/contacts/{}", http::encode_component(remote_id)));
  r.body = std::move(*body);
  r.content_type = "application/json";
  r.retry_safe = true;  // the same partial update applied twice has the same result
  auto response = co_await api_.call_ok(std::move(r), "update", what);
  if (!response) co_return response.error();
  if (auto contact = parse_single_contact(response->body)) co_return contact;
  co_return co_await get_contact(remote_id);  // FreeAgent documents an empty 200
}

asio::awaitable<Result<std::vector<model::Contact>>> FreeAgentConnector::find_contacts_by_name(std::string_view name) {
  // FreeAgent has no name search: scan every contact (hidden ones too), keep exact names.
  std::string wanted = trim(name);
  std::vector<model::Contact> out;
  for (int page = 1;; ++page) {
    std::string what = fmt::format("the search for contact '{}' (page {})", wanted, page);
    auto response = co_await api_.call_ok(api_.request(http::Method::get, list_query("contacts", "name", page, {})),
                                          "run", what);
    if (!response) co_return response.error();
    auto parsed = parse_contacts(response->body);
    if (!parsed) co_return parsed.error().with_context(fmt::format("FreeAgent returned a malformed answer to {}", what));
    for (auto& c : parsed->items)
      if (c.display_name() == wanted) out.push_back(std::move(c));
    if (!has_next(*response)) break;
  }
  co_return out;
}

std::string FreeAgentConnector::invoice_url(const model::Invoice& invoice) const {
  return invoice_link(subdomain_, invoice.remote_id);
}

std::string FreeAgentConnector::new_invoice_url(std::string_view contact_remote_id) const {
  return new_invoice_link(subdomain_, contact_remote_id);
}

}  // namespace capsync::freeagent
