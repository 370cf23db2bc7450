// FreshBooksConnector's estimates (R19-R21): create, update of a draft, search by reference.
// The incremental list shares the invoices' paging in freshbooks_connector.cpp.

#include "connectors/freshbooks/errors.hpp"
#include "connectors/freshbooks/estimates.hpp"
#include "connectors/freshbooks/freshbooks_connector.hpp"
#include "core/connector/json.hpp"
#include "core/http/url_encoding.hpp"

namespace capsync::freshbooks {

namespace asio = boost::asio;

std::string FreshBooksConnector::quote_url(const model::Quote& quote) const {
  return estimate_link(tenant_ ? tenant_->id : std::string(), quote.remote_id);
}

asio::awaitable<Result<model::Quote>> FreshBooksConnector::create_quote(const model::QuoteSpec& spec,
                                                                        std::string_view) {
  if (!connector::json::to_int64(spec.contact_remote_id))
    co_return make_error(Errc::invalid_argument, "FreshBooks client id '{}' is not a number", spec.contact_remote_id);
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string what = fmt::format("the estimate '{}'", spec.reference);
  auto r = api_.request(http::Method::post, accounting_path("estimates/estimates"));
  r.body = estimate_body(spec, true);
  r.content_type = "application/json";
  auto response = co_await api_.call_ok(std::move(r), "create", what);
  if (!response) co_return response.error();
  auto quote = parse_single_estimate(response->body);
  if (!quote) co_return quote.error().with_context(fmt::format("FreshBooks returned a malformed answer for {}", what));
  quote->url = quote_url(*quote);
  co_return quote;
}

asio::awaitable<Result<model::Quote>> FreshBooksConnector::update_quote(std::string_view remote_id,
                                                                        const model::QuoteSpec& spec) {
  if (!connector::json::to_int64(spec.contact_remote_id))
    co_return make_error(Errc::invalid_argument, "FreshBooks client id '{}' is not a number", spec.contact_remote_id);
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::string what = fmt::format("the estimate '{}' ({})", spec.reference, remote_id);
  std::string path = accounting_path("estimates/estimates/" + http::encode_component(remote_id));
  auto got = co_await api_.get_ok(path, what);
  if (!got) co_return got.error();
  std::string terms;
  auto current = parse_single_estimate(got->body, &terms);
  if (!current) co_return current.error().with_context(fmt::format("FreshBooks returned a malformed {}", what));
  if (current->status != model::QuoteStatus::draft)
    co_return make_error(Errc::conflict, "FreshBooks {} is {}: only a draft is updated", what,
                         model::display_name(current->status));
  auto r = api_.request(http::Method::put, path);
  r.body = estimate_body(spec, false, terms);
  r.content_type = "application/json";
  r.retry_safe = true;  // the whole estimate is sent: applying it twice has the same result
  auto response = co_await api_.call_ok(std::move(r), "update", what);
  if (!response) co_return response.error();
  auto quote = parse_single_estimate(response->body);
  if (!quote) co_return quote.error().with_context(fmt::format("FreshBooks returned a malformed answer for {}", what));
  quote->url = quote_url(*quote);
  co_return quote;
}

asio::awaitable<Result<std::vector<model::Quote>>> FreshBooksConnector::find_quotes_by_reference(
    std::string_view reference) {
  auto t = co_await tenant();
  if (!t) co_return t.error();
  std::vector<model::Quote> out;
  // Active and archived estimates, then the deleted ones: a deleted quote still was the one.
  for (std::string_view vis : {"", "1"}) {
    for (std::int64_t page = 1;; ++page) {
      std::string what = fmt::format("the search for estimate '{}' (page {})", reference, page);
      std::string query = fmt::format("{}?page={}&per_page={}&{}={}", accounting_path("estimates/estimates"), page,
                                      settings_.page_size, http::encode_component("search[notes_like]"),
                                      http::encode_component(reference));
      if (!vis.empty()) query += fmt::format("&{}={}", http::encode_component("search[vis_state]"), vis);
      auto response = co_await api_.get_ok(std::move(query), what);
      if (!response) co_return response.error();
      auto parsed = parse_estimate_list(response->body);
      if (!parsed) co_return parsed.error().with_context(fmt::format("FreshBooks returned a malformed answer to {}", what));
      for (auto& q : parsed->items) {
        if (q.reference != reference) continue;  // notes_like matches "#4" inside "#42" too
        q.url = quote_url(q);
        out.push_back(std::move(q));
      }
      if (page >= parsed->paging.pages) break;
    }
  }
  co_return out;
}

}  // namespace capsync::freshbooks
