#include "connectors/freeagent/freeagent_connector.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "connectors/freeagent/contacts.hpp"
#include "connectors/freeagent/errors.hpp"
#include "connectors/freeagent/estimates.hpp"
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

// The records the whole listing holds: FreeAgent's X-Total-Count header ("the total number of
// entries", https://dev.freeagent.com/docs/introduction#pagination); none without it.
std::optional<std::int64_t> listed_total(const http::Response& r) {
  auto header = connector::find_header(r.headers, "X-Total-Count");
  if (!header) return std::nullopt;
  std::int64_t n = 0;
  const auto* end = header->data() + header->size();
  auto [at, ec] = std::from_chars(header->data(), end, n);
  if (ec != std::errc() || at != end || n < 0) return std::nullopt;
  return n;
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
          .website_writable = false,  // FreeAgent contacts have no website field
          .quotes_read = true,
          .quotes_write = true,
          .quotes_update = true};
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
  page.total = listed_total(*response);
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
  page.total = listed_total(*response);
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

asio::awaitable<Result<Page<model::Quote>>> FreeAgentConnector::list_quotes(ListRequest req) {
  auto t = co_await tenant();  // the subdomain for the estimates' links
  if (!t) co_return t.error();
  auto since = connector::parse_cursor(req.cursor, "FreeAgent");
  if (!since) co_return since.error();
  if (req.page == 1) estimate_pass_high_ = *since;
  std::string query = fmt::format("/estimates?view=all&page={}&per_page={}", req.page, settings_.page_size);
  if (!req.cursor.empty()) query += "&updated_since=" + http::encode_component(req.cursor);
  auto response = co_await api_.get_ok(std::move(query), fmt::format("the estimates page {}", req.page));
  if (!response) co_return response.error();
  auto parsed = parse_estimates(response->body);
  if (!parsed)
    co_return parsed.error().with_context(fmt::format("FreeAgent returned a malformed estimates page (page {})", req.page));
  Page<model::Quote> page;
  page.page = req.page;
  page.items = std::move(parsed->items);
  page.unreadable = std::move(parsed->unreadable);
  for (auto& q : page.items) q.url = estimate_link(subdomain_, q.remote_id);
  auto high = connector::keep_new(page.items, *since, req.cursor);
  if (!high.empty()) {
    auto ts = model::parse_timestamp(high);
    if (ts && (!estimate_pass_high_ || *ts > *estimate_pass_high_)) estimate_pass_high_ = *ts;
  }
  page.has_next = has_next(*response);
  // Estimates come in creation order: only a whole pass may move the cursor.
  page.cursor = page.has_next || !estimate_pass_high_ ? req.cursor : model::format_timestamp(*estimate_pass_high_);
  co_return page;
}

asio::awaitable<Result<EstimateDetail>> FreeAgentConnector::get_estimate(std::string_view remote_id) {
  std::string what = fmt::format("estimate {}", remote_id);
  auto response = co_await api_.get_ok(fmt::format("/estimates/{}", http::encode_component(remote_id)), what);
  if (!response) co_return response.error();
  auto detail = parse_estimate_detail(response->body);
  if (!detail) co_return detail.error().with_context(fmt::format("FreeAgent returned a malformed {}", what));
  detail->quote.url = estimate_link(subdomain_, detail->quote.remote_id);
  co_return detail;
}

asio::awaitable<Result<model::Quote>> FreeAgentConnector::create_quote(const model::QuoteSpec& spec, std::string_view) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string what = fmt::format("estimate '{}'", spec.reference);
  auto r = api_.request(http::Method::post, "/estimates");
  r.body = estimate_create_body(spec, settings_.base_url);
  r.content_type = "application/json";
  auto response = co_await api_.call_ok(std::move(r), "create", what);
  if (!response) co_return response.error();
  auto detail = parse_estimate_detail(response->body);
  if (!detail) co_return detail.error().with_context(fmt::format("FreeAgent returned a malformed answer for {}", what));
  detail->quote.url = estimate_link(subdomain_, detail->quote.remote_id);
  co_return detail->quote;
}

asio::awaitable<Result<model::Quote>> FreeAgentConnector::update_quote(std::string_view remote_id,
                                                                       const model::QuoteSpec& spec) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto current = co_await get_estimate(remote_id);
  if (!current) co_return current.error();
  std::string what = fmt::format("estimate {} ('{}')", remote_id, current->quote.reference);
  if (current->quote.status != model::QuoteStatus::draft)
    co_return make_error(Errc::conflict, "Failed to update FreeAgent {}: it is {}, and capsync changes only drafts",
                         what, model::display_name(current->quote.status));
  std::string path = fmt::format("/estimates/{}", http::encode_component(remote_id));
  auto r = api_.request(http::Method::put, path);
  r.body = estimate_update_body(spec, settings_.base_url);
  r.content_type = "application/json";
  r.retry_safe = true;  // the same whole update applied twice has the same result
  auto updated = co_await api_.call_ok(std::move(r), "update", what);
  if (!updated) co_return updated.error();
  auto item = current->first_item_id.empty()
                  ? api_.request(http::Method::post, "/estimate_items")
                  : api_.request(http::Method::put, fmt::format("/estimate_items/{}", current->first_item_id));
  item.body = current->first_item_id.empty() ? estimate_item_body(spec, settings_.base_url, settings_.base_url + path)
                                             : estimate_item_body(spec, settings_.base_url);
  item.content_type = "application/json";
  item.retry_safe = !current->first_item_id.empty();
  auto line = co_await api_.call_ok(std::move(item), "update", fmt::format("the item of {}", what));
  if (!line) co_return line.error();
  auto after = co_await get_estimate(remote_id);  // FreeAgent answers both updates with an empty 200
  if (!after) co_return after.error();
  co_return after->quote;
}

asio::awaitable<Result<std::vector<model::Quote>>> FreeAgentConnector::find_quotes_by_reference(
    std::string_view reference) {
  // FreeAgent has no reference filter on estimates: scan them all, keep exact references.
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::vector<model::Quote> out;
  for (int page = 1;; ++page) {
    std::string what = fmt::format("the search for estimate '{}' (page {})", reference, page);
    auto response = co_await api_.call_ok(
        api_.request(http::Method::get, fmt::format("/estimates?view=all&page={}&per_page={}", page, settings_.page_size)),
        "run", what);
    if (!response) co_return response.error();
    auto parsed = parse_estimates(response->body);
    if (!parsed) co_return parsed.error().with_context(fmt::format("FreeAgent returned a malformed answer to {}", what));
    for (auto& q : parsed->items) {
      if (q.reference != reference) continue;
      q.url = estimate_link(subdomain_, q.remote_id);
      out.push_back(std::move(q));
    }
    if (!has_next(*response)) break;
  }
  co_return out;
}

}  // namespace capsync::freeagent
