#include "connectors/xero/xero_connector.hpp"

#include <algorithm>

#include "connectors/xero/connections.hpp"
#include "connectors/xero/contacts.hpp"
#include "connectors/xero/dates.hpp"
#include "connectors/xero/errors.hpp"
#include "connectors/xero/invoices.hpp"
#include "connectors/xero/links.hpp"
#include "core/connector/cursor.hpp"
#include "core/connector/json.hpp"
#include "core/connector/text.hpp"
#include "core/http/url_encoding.hpp"
#include "core/log/log.hpp"

namespace capsync::xero {

namespace asio = boost::asio;
using connector::ListRequest;
using connector::Page;
using connector::trim;

namespace {

constexpr std::string_view kApi = "/api.xro/2.0";
constexpr std::size_t kMaxIdempotencyKey = 128;  // xero_accounting.yaml idempotencyKey

connector::OAuthApiSettings api_settings(const XeroSettings& settings) {
  auto out = connector::oauth_api_settings("Xero", settings, &map_error);
  out.accept_body = connector::json::well_formed;  // a cut or garbled 2xx body is asked again
  return out;
}

}  // namespace

XeroConnector::XeroConnector(connector::HttpSender& http, connector::TokenSource& tokens,
                             XeroSettings settings)
    : settings_(std::move(settings)), api_(http, tokens, api_settings(settings_)) {}

connector::Capabilities XeroConnector::capabilities() const {
  return {.idempotency_key = true,
          .deletion_feed = false,  // deleted contacts do not exist in Xero; archived ones are listed
          .archived_in_list = true,
          .supplier_flag = true,
          .website_writable = false,
          .quotes_read = true,
          .quotes_write = true,
          .quotes_update = true};
}

asio::awaitable<Result<connector::Tenant>> XeroConnector::tenant() {
  if (tenant_) co_return *tenant_;
  auto response = co_await api_.call(api_.request(http::Method::get, "/connections"));
  if (!response) co_return response.error().with_context("Failed to list Xero connections");
  if (!response->ok()) co_return map_error(*response, "the connections list");
  auto connections = parse_connections(response->body);
  if (!connections)
    co_return connections.error().with_context("Xero returned a malformed connections list");
  auto chosen = choose_tenant(*connections, settings_.tenant_id);
  if (!chosen) co_return chosen.error();
  tenant_ = *chosen;
  api_.set_header("xero-tenant-id", tenant_->id);

  // The ShortCode only improves links; without it they still open Xero.
  auto org = co_await api_.call(api_.request(http::Method::get, fmt::format("{}/Organisation", kApi)));
  if (org && org->ok()) {
    if (auto code = parse_short_code(org->body)) short_code_ = *code;
  } else {
    log::debug({.provider = "xero"}, "No Xero organisation ShortCode, links open the last used organisation");
  }
  co_return *tenant_;
}

asio::awaitable<Result<XeroConnector::ListedPage>> XeroConnector::fetch_page(const ListRequest& req, std::string path,
                                                                          std::string_view noun) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto since = connector::parse_cursor(req.cursor, "Xero");
  if (!since) co_return since.error();
  auto r = api_.request(http::Method::get, std::move(path));
  if (*since) r.headers.emplace_back("If-Modified-Since", if_modified_since(**since));
  std::string what = fmt::format("the {} page {}", noun, req.page);
  auto response = co_await api_.call(std::move(r));
  if (!response) co_return response.error().with_context(fmt::format("Failed to fetch {}", what));
  ListedPage out{.since = *since,
                 .body = std::nullopt,
                 .malformed = fmt::format("Xero returned a malformed {} page (page {})", noun, req.page)};
  if (response->status == 304) co_return out;
  if (!response->ok()) co_return map_error(*response, what);
  out.body = std::move(response->body);
  co_return out;
}

asio::awaitable<Result<Page<model::Contact>>> XeroConnector::list_contacts(ListRequest req) {
  auto listed = co_await fetch_page(
      req,
      fmt::format("{}/Contacts?page={}&pageSize={}&includeArchived=true&order={}", kApi, req.page,
                  settings_.page_size, http::encode_component("UpdatedDateUTC ASC")),
      "Contacts");
  if (!listed) co_return listed.error();
  auto page = listed->empty<model::Contact>(req);
  if (!listed->body) co_return page;  // nothing changed since the cursor
  auto parsed = parse_contacts(*listed->body);
  if (!parsed) co_return parsed.error().with_context(listed->malformed);
  std::size_t raw = parsed->contacts.size() + parsed->unreadable.size();
  page.items = std::move(parsed->contacts);
  page.unreadable = std::move(parsed->unreadable);
  page.cursor = connector::keep_new(page.items, listed->since, req.cursor);
  page.has_next = more_pages(parsed->pagination, req.page, raw, settings_.page_size);
  page.total = listed_total(parsed->pagination);
  co_return page;
}

asio::awaitable<Result<Page<model::Invoice>>> XeroConnector::list_invoices(ListRequest req,
                                                                           bool include_purchase) {
  // Every status, so invoices that become VOIDED or DELETED leave the summary.
  std::string query = fmt::format(
      "{}/Invoices?page={}&pageSize={}&order={}&Statuses={}", kApi, req.page, settings_.page_size,
      http::encode_component("UpdatedDateUTC ASC"), http::encode_component("DRAFT,SUBMITTED,AUTHORISED,PAID,VOIDED,DELETED"));
  if (!include_purchase) query += "&where=" + http::encode_component("Type==\"ACCREC\"");
  auto listed = co_await fetch_page(req, std::move(query), "Invoices");
  if (!listed) co_return listed.error();
  auto page = listed->empty<model::Invoice>(req);
  if (!listed->body) co_return page;  // nothing changed since the cursor
  auto parsed = parse_invoices(*listed->body);
  if (!parsed) co_return parsed.error().with_context(listed->malformed);
  page.items = std::move(parsed->invoices);
  page.unreadable = std::move(parsed->unreadable);
  if (!include_purchase)
    std::erase_if(page.items, [](const model::Invoice& i) { return i.type != model::InvoiceType::sales; });
  for (auto& inv : page.items) inv.url = invoice_url(inv);
  page.cursor = connector::keep_new(page.items, listed->since, req.cursor);
  page.has_next = more_pages(parsed->pagination, req.page, parsed->raw_count, settings_.page_size);
  page.total = listed_total(parsed->pagination);
  co_return page;
}

namespace {

// Ids per IDs= request: one page of 100 at most, and a URL well under any proxy's limit.
constexpr std::size_t kIdsPerRequest = 50;

std::string id_list(std::span<const std::string> ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ',';
    out += id;
  }
  return http::encode_component(out);
}

}  // namespace

asio::awaitable<Result<std::vector<model::Contact>>> XeroConnector::get_contacts(std::span<const std::string> ids) {
  std::vector<model::Contact> out;
  auto t = co_await tenant();
  if (!t) co_return t.error();
  for (std::size_t at = 0; at < ids.size(); at += kIdsPerRequest) {
    const auto chunk = ids.subspan(at, std::min(kIdsPerRequest, ids.size() - at));
    auto r = api_.request(http::Method::get,
                          fmt::format("{}/Contacts?IDs={}&includeArchived=true", kApi, id_list(chunk)));
    const std::string what = fmt::format("{} contacts by id", chunk.size());
    auto response = co_await api_.call(std::move(r));
    if (!response) co_return response.error().with_context(fmt::format("Failed to fetch {}", what));
    if (!response->ok()) co_return map_error(*response, what);
    auto parsed = parse_contacts(response->body);
    if (!parsed) co_return parsed.error().with_context(fmt::format("Xero returned a malformed answer for {}", what));
    for (auto& c : parsed->contacts) out.push_back(std::move(c));
  }
  co_return out;
}

asio::awaitable<Result<std::vector<model::Invoice>>> XeroConnector::get_invoices(std::span<const std::string> ids,
                                                                                 bool include_purchase) {
  std::vector<model::Invoice> out;
  auto t = co_await tenant();
  if (!t) co_return t.error();
  for (std::size_t at = 0; at < ids.size(); at += kIdsPerRequest) {
    const auto chunk = ids.subspan(at, std::min(kIdsPerRequest, ids.size() - at));
    // Every status, as the listing asks: a voided or deleted invoice leaves the summary.
    auto r = api_.request(http::Method::get,
                          fmt::format("{}/Invoices?IDs={}&page=1&Statuses={}", kApi, id_list(chunk),
                                      http::encode_component("DRAFT,SUBMITTED,AUTHORISED,PAID,VOIDED,DELETED")));
    const std::string what = fmt::format("{} invoices by id", chunk.size());
    auto response = co_await api_.call(std::move(r));
    if (!response) co_return response.error().with_context(fmt::format("Failed to fetch {}", what));
    if (!response->ok()) co_return map_error(*response, what);
    auto parsed = parse_invoices(response->body);
    if (!parsed) co_return parsed.error().with_context(fmt::format("Xero returned a malformed answer for {}", what));
    for (auto& inv : parsed->invoices) {
      if (!include_purchase && inv.type != model::InvoiceType::sales) continue;
      inv.url = invoice_url(inv);
      out.push_back(std::move(inv));
    }
  }
  co_return out;
}

asio::awaitable<Result<model::Contact>> XeroConnector::single_contact(http::Request r, std::string what) {
  auto response = co_await api_.call_ok(std::move(r), "send", what);
  if (!response) co_return response.error();
  auto doc = connector::json::parse(response->body);
  if (doc) {
    // A 200 batch answer can still carry per-element refusals.
    auto messages = validation_messages(*doc);
    if (!messages.empty()) co_return refusal(what, messages);
  }
  auto parsed = parse_contacts(response->body);
  if (!parsed) co_return parsed.error().with_context(fmt::format("Xero returned a malformed answer for {}", what));
  if (parsed->contacts.empty() && !parsed->unreadable.empty())
    co_return make_error(Errc::protocol, "Xero returned {} that cannot be read: {}", what,
                         parsed->unreadable.front().reason);
  if (parsed->contacts.empty())
    co_return make_error(Errc::protocol, "Xero returned no contact for {}", what);
  co_return std::move(parsed->contacts.front());
}

asio::awaitable<Result<model::Contact>> XeroConnector::get_contact(std::string_view remote_id) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  co_return co_await single_contact(
      api_.request(http::Method::get, fmt::format("{}/Contacts/{}", kApi, http::encode_component(remote_id))),
      fmt::format("contact {}", remote_id));
}

Result<http::Request> XeroConnector::create_request(std::string path, std::string body, std::string_view key) {
  if (key.size() > kMaxIdempotencyKey)
    return make_error(Errc::invalid_argument, "Xero idempotency keys are at most {} characters", kMaxIdempotencyKey);
  // summarizeErrors=true: a refusal is a 400 ValidationException, not a 200 with errors inside.
  auto r = api_.request(http::Method::put, std::move(path) + "?summarizeErrors=true");
  r.body = std::move(body);
  r.content_type = "application/json";
  if (!key.empty()) {
    r.headers.emplace_back("Idempotency-Key", std::string(key));
    r.idempotency_key = std::string(key);
  }
  return r;
}

asio::awaitable<Result<model::Contact>> XeroConnector::create_contact(const model::ContactDetails& spec,
                                                                      std::string_view key) {
  auto r = create_request(fmt::format("{}/Contacts", kApi), contact_create_body(spec), key);
  if (!r) co_return r.error();
  auto t = co_await tenant();
  if (!t) co_return t.error();
  co_return co_await single_contact(std::move(*r), fmt::format("contact '{}'", spec.name));
}

asio::awaitable<Result<model::Contact>> XeroConnector::update_contact(std::string_view remote_id,
                                                                      const connector::ContactUpdate& update) {
  auto body = contact_update_body(remote_id, update);
  if (!body) co_return *update.current;  // nothing differs
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto r = api_.request(http::Method::post, fmt::format("{}/Contacts/{}", kApi, http::encode_component(remote_id)));
  r.body = std::move(*body);
  r.content_type = "application/json";
  r.retry_safe = true;  // the same partial update applied twice has the same result
  co_return co_await single_contact(std::move(r),
                                    fmt::format("contact '{}' ({})", update.desired.name, remote_id));
}

asio::awaitable<Result<std::vector<model::Contact>>> XeroConnector::find_contacts_by_name(std::string_view name) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string wanted = trim(name);
  std::vector<model::Contact> out;
  // searchTerm matches substrings of several fields case-insensitively; keep exact names only.
  for (int page = 1;; ++page) {
    auto r = api_.request(http::Method::get,
                          fmt::format("{}/Contacts?searchTerm={}&includeArchived=true&page={}&pageSize={}",
                                      kApi, http::encode_component(wanted), page, settings_.page_size));
    std::string what = fmt::format("the search for contact '{}' (page {})", wanted, page);
    auto response = co_await api_.call_ok(std::move(r), "run", what);
    if (!response) co_return response.error();
    auto parsed = parse_contacts(response->body);
    if (!parsed) co_return parsed.error().with_context(fmt::format("Xero returned a malformed answer to {}", what));
    std::size_t raw = parsed->contacts.size() + parsed->unreadable.size();
    for (auto& c : parsed->contacts)
      if (c.display_name() == wanted) out.push_back(std::move(c));
    if (!more_pages(parsed->pagination, page, raw, settings_.page_size)) break;
  }
  co_return out;
}

std::string XeroConnector::invoice_url(const model::Invoice& invoice) const {
  return invoice_link(short_code_, invoice);
}

std::string XeroConnector::new_invoice_url(std::string_view contact_remote_id) const {
  return new_invoice_link(short_code_, contact_remote_id);
}

}  // namespace capsync::xero
