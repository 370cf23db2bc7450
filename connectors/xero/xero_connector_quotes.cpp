// XeroConnector's quotes (R18-R21): list, create, update of a draft, search by reference.

#include "connectors/xero/dates.hpp"
#include "connectors/xero/errors.hpp"
#include "connectors/xero/links.hpp"
#include "connectors/xero/quotes.hpp"
#include "connectors/xero/xero_connector.hpp"
#include "core/connector/cursor.hpp"
#include "core/connector/json.hpp"
#include "core/http/url_encoding.hpp"
#include "core/log/log.hpp"

namespace capsync::xero {

namespace asio = boost::asio;
using connector::ListRequest;
using connector::Page;

namespace {

constexpr std::string_view kQuotes = "/api.xro/2.0/Quotes";
constexpr int kQuotePage = 100;                  // GET /Quotes: "Up to 100 Quotes" a page

}  // namespace

std::string XeroConnector::quote_url(const model::Quote& quote) const {
  return quote_link(short_code_, quote.remote_id);
}

asio::awaitable<Result<model::Quote>> XeroConnector::single_quote(http::Request r, std::string what,
                                                                  std::string* terms) {
  auto response = co_await api_.call_ok(std::move(r), "send", what);
  if (!response) co_return response.error();
  auto doc = connector::json::parse(response->body);
  if (doc) {
    auto messages = validation_messages(*doc);
    if (!messages.empty()) co_return refusal(what, messages);
  }
  if (!doc) co_return doc.error().with_context(fmt::format("Xero returned a malformed answer for {}", what));
  const auto* list = connector::json::array(*doc, "Quotes");
  if (!list || list->Empty()) co_return make_error(Errc::protocol, "Xero returned no quote for {}", what);
  auto quote = parse_quote((*list)[0], terms);
  if (!quote) co_return quote.error().with_context(fmt::format("Xero returned {} that cannot be read", what));
  quote->url = quote_url(*quote);
  co_return std::move(*quote);
}

asio::awaitable<Result<Page<model::Quote>>> XeroConnector::list_quotes(ListRequest req) {
  // No Status filter: every status comes back, DELETED included, so deleted quotes leave R18.
  auto listed = co_await fetch_page(
      req, fmt::format("{}?page={}&order={}", kQuotes, req.page, http::encode_component("UpdatedDateUTC ASC")),
      "Quotes");
  if (!listed) co_return listed.error();
  auto page = listed->empty<model::Quote>(req);
  if (!listed->body) co_return page;  // nothing changed since the cursor
  auto parsed = parse_quotes(*listed->body);
  if (!parsed) co_return parsed.error().with_context(listed->malformed);
  page.items = std::move(parsed->quotes);
  page.unreadable = std::move(parsed->unreadable);
  for (auto& q : page.items) q.url = quote_url(q);
  page.cursor = connector::keep_new(page.items, listed->since, req.cursor);
  page.has_next = more_pages(parsed->pagination, req.page, parsed->raw_count, kQuotePage);
  co_return page;
}

asio::awaitable<Result<model::Quote>> XeroConnector::create_quote(const model::QuoteSpec& spec,
                                                                  std::string_view key) {
  auto r = create_request(std::string(kQuotes), quote_body(spec), key);
  if (!r) co_return r.error();
  auto t = co_await tenant();
  if (!t) co_return t.error();
  co_return co_await single_quote(std::move(*r), fmt::format("the quote '{}'", spec.reference));
}

asio::awaitable<Result<model::Quote>> XeroConnector::update_quote(std::string_view remote_id,
                                                                  const model::QuoteSpec& spec) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  const std::string path = fmt::format("{}/{}", kQuotes, http::encode_component(remote_id));
  const std::string what = fmt::format("the quote '{}' ({})", spec.reference, remote_id);
  std::string terms;
  auto current = co_await single_quote(api_.request(http::Method::get, path), what, &terms);
  if (!current) co_return current.error();
  if (current->status != model::QuoteStatus::draft)
    co_return make_error(Errc::conflict, "Xero {} is {}: only a draft is updated", what,
                         model::display_name(current->status));
  auto r = api_.request(http::Method::post, path);
  r.body = quote_body(spec, remote_id, terms);
  r.content_type = "application/json";
  r.retry_safe = true;  // the whole quote is sent: applying it twice has the same result
  co_return co_await single_quote(std::move(r), what);
}

asio::awaitable<Result<std::vector<model::Quote>>> XeroConnector::find_quotes_by_reference(
    std::string_view reference) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::vector<model::Quote> out;
  // Newest changes first: a create lost to a crash is among the most recently changed quotes.
  for (int page = 1; page <= kQuoteScanPages; ++page) {
    auto r = api_.request(http::Method::get, fmt::format("{}?page={}&order={}", kQuotes, page,
                                                         http::encode_component("UpdatedDateUTC DESC")));
    std::string what = fmt::format("the search for quote '{}' (page {})", reference, page);
    auto response = co_await api_.call_ok(std::move(r), "run", what);
    if (!response) co_return response.error();
    auto parsed = parse_quotes(response->body);
    if (!parsed) co_return parsed.error().with_context(fmt::format("Xero returned a malformed answer to {}", what));
    for (auto& q : parsed->quotes) {
      if (q.reference != reference) continue;
      q.url = quote_url(q);
      out.push_back(std::move(q));
    }
    if (!more_pages(parsed->pagination, page, parsed->raw_count, kQuotePage)) co_return out;
  }
  if (out.empty())
    log::warning({.provider = "xero"}, "Searched only the {} most recently changed Xero quotes for '{}'",
                 kQuoteScanPages * kQuotePage, reference);
  co_return out;
}

}  // namespace capsync::xero
