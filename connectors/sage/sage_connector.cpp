#include "connectors/sage/sage_connector.hpp"

#include <algorithm>

#include <date/date.h>

#include "connectors/sage/contacts.hpp"
#include "connectors/sage/errors.hpp"
#include "connectors/sage/invoices.hpp"
#include "connectors/sage/links.hpp"
#include "connectors/sage/lists.hpp"
#include "connectors/sage/quotes.hpp"
#include "core/connector/cursor.hpp"
#include "core/connector/json.hpp"
#include "core/connector/text.hpp"
#include "core/http/url_encoding.hpp"

namespace capsync::sage {

namespace asio = boost::asio;
using connector::ListRequest;
using connector::Page;
using connector::trim;

namespace {

// Sage's filter format "YYYY-MM-DDThh:mm:ss+00:00", whole seconds rounded down so nothing
// changed within that second is missed (the filter is inclusive).
std::string since_param(model::Timestamp t) {
  return date::format("%Y-%m-%dT%H:%M:%S+00:00", std::chrono::floor<std::chrono::seconds>(t));
}

// One listed page of a resource: the cursor's time, and Sage's envelope of the records
// changed since it.
struct ListedPage {
  std::optional<model::Timestamp> since;
  ListEnvelope list;
};

asio::awaitable<Result<ListedPage>> fetch_page(connector::OAuthApi& api, int page_size, std::string_view resource,
                                               const std::string& cursor, int page) {
  auto since = connector::parse_cursor(cursor, "Sage");
  if (!since) co_return since.error();
  std::string query = fmt::format("/{}?attributes=all&items_per_page={}&page={}", resource, page_size, page);
  if (*since) query += "&updated_or_created_since=" + http::encode_component(since_param(**since));
  std::string what = fmt::format("the {} page {}", resource, page);
  auto response = co_await api.get_ok(std::move(query), what);
  if (!response) co_return response.error();
  auto list = parse_list(response->body);
  if (!list) co_return list.error().with_context(fmt::format("Sage returned a malformed {}", what));
  co_return ListedPage{*since, std::move(*list)};
}

connector::OAuthApiSettings api_settings(const SageSettings& settings) {
  auto out = connector::oauth_api_settings("Sage", settings, &map_error);
  // A 401 "No active subscription" stays so with any token.
  out.fresh_token_may_help = [](const http::Response& r) { return r.body.find("subscription") == std::string::npos; };
  return out;
}

}  // namespace

SageConnector::SageConnector(connector::HttpSender& http, connector::TokenSource& tokens, SageSettings settings)
    : settings_(std::move(settings)), api_(http, tokens, api_settings(settings_)) {
  while (settings_.web_url.ends_with('/')) settings_.web_url.pop_back();
}

connector::Capabilities SageConnector::capabilities() const {
  return {.idempotency_key = true,
          .deletion_feed = true,      // deleted_since
          .archived_in_list = true,   // is_active=false contacts are listed
          .supplier_flag = true,
          .website_writable = false,  // v3.1 contacts have no website field
          .quotes_read = true,
          .quotes_write = true,
          .quotes_update = true};
}

asio::awaitable<Result<connector::Tenant>> SageConnector::tenant() {
  if (tenant_) co_return *tenant_;
  if (!settings_.business_id) {
    auto response = co_await api_.get_ok("/businesses/lead", "the lead business");
    if (!response) co_return response.error();
    auto doc = connector::json::parse(response->body);
    if (!doc) co_return doc.error().with_context("Sage returned a malformed lead business");
    std::string id(connector::json::text_or_empty(*doc, "id"));
    if (id.empty()) co_return Error(Errc::protocol, "Sage returned a lead business without an id");
    tenant_ = connector::Tenant{id, std::string(connector::json::text_or_empty(*doc, "displayed_as"))};
    api_.set_header("X-Business", tenant_->id);
    co_return *tenant_;
  }
  std::vector<std::string> available;
  for (int page = 1;; ++page) {
    auto response =
        co_await api_.get_ok(fmt::format("/businesses?page={}&items_per_page=200", page), "the businesses list");
    if (!response) co_return response.error();
    auto list = parse_list(response->body);
    if (!list) co_return list.error().with_context("Sage returned a malformed businesses list");
    for (const auto& b : list->items->GetArray()) {
      std::string id(connector::json::text_or_empty(b, "id"));
      std::string name(connector::json::text_or_empty(b, "displayed_as"));
      if (id == *settings_.business_id) {
        tenant_ = connector::Tenant{id, name};
        api_.set_header("X-Business", tenant_->id);
        co_return *tenant_;
      }
      available.push_back(fmt::format("{} ({})", id, name));
    }
    if (!list->has_next) break;
  }
  co_return make_error(Errc::invalid_argument,
                       "the Sage user cannot access business_id {}; businesses available: {}", *settings_.business_id,
                       available.empty() ? std::string("none") : fmt::format("{}", fmt::join(available, ", ")));
}

asio::awaitable<Result<std::vector<model::Contact>>> SageConnector::deleted_contacts(std::string_view since) {
  std::vector<model::Contact> out;
  for (int page = 1;; ++page) {
    std::string what = fmt::format("the deleted contacts page {}", page);
    auto response = co_await api_.get_ok(
        fmt::format("/contacts?deleted_since={}&attributes=all&items_per_page={}&page={}", http::encode_component(since),
                    settings_.page_size, page),
        what);
    if (!response) co_return response.error();
    auto list = parse_list(response->body);
    if (!list) co_return list.error().with_context(fmt::format("Sage returned a malformed answer for {}", what));
    // A deleted contact that cannot be read is not reported: it is gone either way.
    auto contacts = parse_contacts(*list->items);
    for (auto& c : contacts.items) {
      c.status = model::ContactStatus::deleted;
      out.push_back(std::move(c));
    }
    if (!list->has_next) break;
  }
  co_return out;
}

asio::awaitable<Result<Page<model::Contact>>> SageConnector::list_contacts(ListRequest req) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto listed = co_await fetch_page(api_, settings_.page_size, "contacts", req.cursor, req.page);
  if (!listed) co_return listed.error();
  const auto& since = listed->since;
  const auto* list = &listed->list;
  auto contacts = parse_contacts(*list->items);
  Page<model::Contact> page;
  page.page = req.page;
  page.items = std::move(contacts.items);
  page.unreadable = std::move(contacts.unreadable);
  page.has_next = list->has_next;
  // "$total - This shows the total number of items" of the listing
  // (https://developer.sage.com/accounting/guides/efficiencies/pagination).
  page.total = list->total;
  if (since && req.page == 1) {
    // deleted_since is exclusive: start a second early so a deletion in the cursor's second is kept.
    auto deleted = co_await deleted_contacts(since_param(*since - std::chrono::seconds(1)));
    if (!deleted) co_return deleted.error();
    for (auto& c : *deleted) page.items.push_back(std::move(c));
  }
  page.cursor = connector::keep_new(page.items, since, req.cursor);
  co_return page;
}

asio::awaitable<Result<Page<model::Invoice>>> SageConnector::invoice_page(std::string_view resource,
                                                                          model::InvoiceType type,
                                                                          const std::string& cursor, int page,
                                                                          int asked_page) {
  auto listed = co_await fetch_page(api_, settings_.page_size, resource, cursor, page);
  if (!listed) co_return listed.error();
  const auto* list = &listed->list;
  Page<model::Invoice> out;
  out.page = asked_page;
  out.has_next = list->has_next;
  if (list->page != page) {
    // Asked past the end: Sage answered its last page again. Signal it with an empty page.
    out.page = static_cast<int>(list->page);
    out.has_next = false;
    out.cursor = cursor;
    co_return out;
  }
  out.total = list->total;
  auto invoices = parse_invoices(*list->items, type);
  out.items = std::move(invoices.items);
  out.unreadable = std::move(invoices.unreadable);
  for (auto& inv : out.items) inv.url = invoice_url(inv);
  out.cursor = connector::keep_new(out.items, listed->since, cursor);
  co_return out;
}

asio::awaitable<Result<Page<model::Invoice>>> SageConnector::list_invoices(ListRequest req, bool include_purchase) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  bool purchase_phase = sales_pages_ && sales_pages_->first == req.cursor && req.page > sales_pages_->second;
  if (!purchase_phase) {
    auto sales = co_await invoice_page("sales_invoices", model::InvoiceType::sales, req.cursor, req.page, req.page);
    if (!sales) co_return sales.error();
    if (sales->page == req.page) {
      sales_total_ = sales->total.value_or(0);
      if (!sales->has_next) sales_pages_ = std::pair{req.cursor, req.page};
      if (include_purchase && !sales->has_next) sales->has_next = true;  // purchase invoices follow
      co_return sales;
    }
    sales_pages_ = std::pair{req.cursor, sales->page};  // restarted mid-pass: now we know
  }
  if (!include_purchase) {
    Page<model::Invoice> done;
    done.page = req.page;
    done.cursor = req.cursor;
    co_return done;
  }
  auto purchase = co_await invoice_page("purchase_invoices", model::InvoiceType::purchase, req.cursor,
                                        req.page - sales_pages_->second, req.page);
  if (!purchase) co_return purchase.error();
  purchase->page = req.page;
  if (purchase->total) *purchase->total += sales_total_;  // the pass holds both lists
  co_return purchase;
}

asio::awaitable<Result<model::Contact>> SageConnector::single_contact(http::Request r, std::string what) {
  auto response = co_await api_.call_ok(std::move(r), "send", what);
  if (!response) co_return response.error();
  auto contact = parse_contact_body(response->body);
  if (!contact) co_return contact.error().with_context(fmt::format("Sage returned a malformed answer for {}", what));
  co_return contact;
}

asio::awaitable<Result<model::Contact>> SageConnector::get_contact(std::string_view remote_id) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  co_return co_await single_contact(api_.request(http::Method::get, fmt::format("/contacts/{}", http::encode_component(remote_id))),
                                    fmt::format("contact {}", remote_id));
}

asio::awaitable<Result<model::Contact>> SageConnector::create_contact(const model::ContactDetails& spec,
                                                                      std::string_view key) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto r = api_.request(http::Method::post, "/contacts");
  r.body = contact_create_body(spec, key.empty() ? std::string() : idempotency_id(key));
  r.content_type = "application/json";
  if (!key.empty()) r.idempotency_key = std::string(key);
  co_return co_await single_contact(std::move(r), fmt::format("contact '{}'", trim(spec.name)));
}

asio::awaitable<Result<model::Contact>> SageConnector::update_contact(std::string_view remote_id,
                                                                      const connector::ContactUpdate& update) {
  auto body = contact_update_body(update);
  if (!body) co_return *update.current;  // nothing differs
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto r = api_.request(http::Method::put, fmt::format("/contacts/{}", http::encode_component(remote_id)));
  r.body = std::move(*body);
  r.content_type = "application/json";
  r.retry_safe = true;  // the same partial update applied twice has the same result
  co_return co_await single_contact(std::move(r), fmt::format("contact '{}' ({})", update.desired.name, remote_id));
}

asio::awaitable<Result<std::vector<model::Contact>>> SageConnector::find_contacts_by_name(std::string_view name) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string wanted = trim(name);
  std::vector<model::Contact> out;
  // search matches parts of the name or reference; keep exact names only.
  for (int page = 1;; ++page) {
    std::string what = fmt::format("the search for contact '{}' (page {})", wanted, page);
    auto response = co_await api_.get_ok(
        fmt::format("/contacts?search={}&attributes=all&items_per_page={}&page={}", http::encode_component(wanted),
                    settings_.page_size, page),
        what);
    if (!response) co_return response.error();
    auto list = parse_list(response->body);
    if (!list) co_return list.error().with_context(fmt::format("Sage returned a malformed answer to {}", what));
    for (auto& c : parse_contacts(*list->items).items)
      if (c.display_name() == wanted) out.push_back(std::move(c));
    if (!list->has_next) break;
  }
  co_return out;
}

std::string SageConnector::invoice_url(const model::Invoice& invoice) const {
  return invoice_link(settings_.web_url, invoice);
}

std::string SageConnector::new_invoice_url(std::string_view contact_remote_id) const {
  return new_invoice_link(settings_.web_url, contact_remote_id);
}

asio::awaitable<Result<Page<model::Quote>>> SageConnector::quote_page(QuoteKind kind, const std::string& cursor,
                                                                      int page, int asked_page) {
  auto listed = co_await fetch_page(api_, settings_.page_size, quote_resource(kind), cursor, page);
  if (!listed) co_return listed.error();
  const auto* list = &listed->list;
  Page<model::Quote> out;
  out.page = asked_page;
  out.has_next = list->has_next;
  out.cursor = cursor;
  if (list->page != page) {
    // Asked past the end: Sage answered its last page again. Signal it with an empty page.
    out.page = static_cast<int>(list->page);
    out.has_next = false;
    co_return out;
  }
  auto quotes = parse_quotes(*list->items, kind);
  out.items = std::move(quotes.items);
  out.unreadable = std::move(quotes.unreadable);
  for (auto& q : out.items) q.url = quote_link(settings_.web_url, q);
  auto high = connector::keep_new(out.items, listed->since, cursor);
  if (auto ts = model::parse_timestamp(high); ts && (!quote_pass_high_ || *ts > *quote_pass_high_))
    quote_pass_high_ = *ts;
  co_return out;
}

asio::awaitable<Result<Page<model::Quote>>> SageConnector::list_quotes(ListRequest req) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  if (req.page == 1) quote_pass_high_.reset();
  bool estimate_phase = quote_pages_ && quote_pages_->first == req.cursor && req.page > quote_pages_->second;
  std::optional<Page<model::Quote>> page;
  if (!estimate_phase) {
    auto quotes = co_await quote_page(QuoteKind::quote, req.cursor, req.page, req.page);
    if (!quotes) co_return quotes.error();
    if (quotes->page == req.page) {
      if (!quotes->has_next) quote_pages_ = std::pair{req.cursor, req.page};
      quotes->has_next = true;  // estimates follow
      co_return *quotes;
    }
    quote_pages_ = std::pair{req.cursor, quotes->page};  // restarted mid-pass: now we know
  }
  auto estimates = co_await quote_page(QuoteKind::estimate, req.cursor, req.page - quote_pages_->second, req.page);
  if (!estimates) co_return estimates.error();
  estimates->page = req.page;
  // Neither list comes in change order: only a whole pass moves the cursor.
  if (!estimates->has_next && quote_pass_high_) estimates->cursor = model::format_timestamp(*quote_pass_high_);
  co_return *estimates;
}

asio::awaitable<Result<std::string>> SageConnector::ledger_account(std::string_view account_code) {
  if (auto known = ledger_accounts_.find(account_code); known != ledger_accounts_.end()) co_return known->second;
  std::string chosen, chosen_code;
  for (int page = 1;; ++page) {
    std::string what = fmt::format("the sales ledger accounts page {}", page);
    auto response = co_await api_.get_ok(
        fmt::format("/ledger_accounts?visible_in=sales&attributes=nominal_code&items_per_page={}&page={}",
                    settings_.page_size, page),
        what);
    if (!response) co_return response.error();
    auto list = parse_list(response->body);
    if (!list) co_return list.error().with_context(fmt::format("Sage returned a malformed {}", what));
    for (const auto& a : list->items->GetArray()) {
      std::string code(connector::json::text_or_empty(a, "nominal_code"));
      std::string id(connector::json::text_or_empty(a, "id"));
      if (id.empty() || code.empty()) continue;
      bool better = account_code.empty() ? chosen.empty() || code < chosen_code : code == account_code;
      if (better) {
        chosen = id;
        chosen_code = code;
      }
    }
    if (!list->has_next) break;
  }
  if (chosen.empty())
    co_return make_error(Errc::invalid_argument, "Sage has no sales ledger account {}",
                         account_code.empty() ? std::string("at all") : fmt::format("with nominal code {}", account_code));
  ledger_accounts_.emplace(std::string(account_code), chosen);
  co_return chosen;
}

asio::awaitable<Result<model::Quote>> SageConnector::create_quote(const model::QuoteSpec& spec, std::string_view key) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto ledger = co_await ledger_account(spec.account_code);
  if (!ledger) co_return ledger.error();
  auto r = api_.request(http::Method::post, fmt::format("/{}", quote_resource(settings_.creates)));
  r.body = quote_body(spec, settings_.creates, *ledger, true, key.empty() ? std::string() : idempotency_id(key));
  r.content_type = "application/json";
  if (!key.empty()) r.idempotency_key = std::string(key);
  std::string what = fmt::format("{} '{}'", settings_.creates == QuoteKind::estimate ? "estimate" : "quote", spec.reference);
  auto response = co_await api_.call_ok(std::move(r), "create", what);
  if (!response) co_return response.error();
  auto quote = parse_quote_body(response->body, settings_.creates);
  if (!quote) co_return quote.error().with_context(fmt::format("Sage returned a malformed answer for {}", what));
  quote->url = quote_link(settings_.web_url, *quote);
  co_return quote;
}

asio::awaitable<Result<model::Quote>> SageConnector::update_quote(std::string_view remote_id, const model::QuoteSpec& spec) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  auto key = quote_key(remote_id);
  std::string path = fmt::format("/{}/{}", quote_resource(key.kind), http::encode_component(key.id));
  std::string what = fmt::format("{} {}", key.kind == QuoteKind::estimate ? "estimate" : "quote", key.id);
  auto current = co_await api_.get_ok(path + "?attributes=all", what);
  if (!current) co_return current.error();
  auto before = parse_quote_body(current->body, key.kind);
  if (!before) co_return before.error().with_context(fmt::format("Sage returned a malformed {}", what));
  if (before->status != model::QuoteStatus::draft)
    co_return make_error(Errc::conflict, "Failed to update Sage {} ({}): it is {}, and capsync changes only drafts", what,
                         before->number, model::display_name(before->status));
  auto ledger = co_await ledger_account(spec.account_code);
  if (!ledger) co_return ledger.error();
  auto r = api_.request(http::Method::put, path);
  r.body = quote_body(spec, key.kind, *ledger, false);
  r.content_type = "application/json";
  r.retry_safe = true;  // the whole quote, the same each time
  auto response = co_await api_.call_ok(std::move(r), "update", what);
  if (!response) co_return response.error();
  auto quote = parse_quote_body(response->body, key.kind);
  if (!quote) co_return quote.error().with_context(fmt::format("Sage returned a malformed answer for {}", what));
  quote->url = quote_link(settings_.web_url, *quote);
  co_return quote;
}

asio::awaitable<Result<std::vector<model::Quote>>> SageConnector::find_quotes_by_reference(std::string_view reference) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::vector<model::Quote> out;
  for (QuoteKind kind : {QuoteKind::quote, QuoteKind::estimate}) {
    for (int page = 1;; ++page) {
      std::string what = fmt::format("the search for {} '{}' (page {})", quote_resource(kind), reference, page);
      auto response = co_await api_.get_ok(
          fmt::format("/{}?search={}&attributes=all&items_per_page={}&page={}", quote_resource(kind),
                      http::encode_component(reference), settings_.page_size, page),
          what);
      if (!response) co_return response.error();
      auto list = parse_list(response->body);
      if (!list) co_return list.error().with_context(fmt::format("Sage returned a malformed answer to {}", what));
      for (auto& q : parse_quotes(*list->items, kind).items) {
        if (q.reference != reference) continue;  // search also matches parts and contact names
        q.url = quote_link(settings_.web_url, q);
        out.push_back(std::move(q));
      }
      if (!list->has_next) break;
    }
  }
  co_return out;
}

}  // namespace capsync::sage
