#include "core/connector/oauth_api.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <fmt/format.h>

namespace capsync::connector {

namespace asio = boost::asio;

OAuthApi::OAuthApi(HttpSender& http, TokenSource& tokens, OAuthApiSettings settings)
    : http_(http), tokens_(tokens), settings_(std::move(settings)) {
  while (settings_.base_url.ends_with('/')) settings_.base_url.pop_back();
}

void OAuthApi::set_header(std::string name, std::string value) {
  for (auto& [n, v] : headers_) {
    if (boost::algorithm::iequals(n, name)) {
      v = std::move(value);
      return;
    }
  }
  headers_.emplace_back(std::move(name), std::move(value));
}

http::Request OAuthApi::request(http::Method method, std::string path_and_query) const {
  http::Request r;
  r.method = method;
  r.url = settings_.base_url + std::move(path_and_query);
  r.headers.emplace_back("Accept", "application/json");
  r.accept_body = settings_.accept_body;
  r.timeout = settings_.timeout;
  r.gate = settings_.gate;
  return r;
}

asio::awaitable<Result<http::Response>> OAuthApi::call(http::Request req) {
  for (const auto& header : headers_) req.headers.push_back(header);
  for (int attempt = 0;; ++attempt) {
    auto token = co_await tokens_.access_token();
    if (!token)
      co_return token.error().with_context(fmt::format("Failed to get a {} access token", settings_.provider));
    req.bearer = *token;
    auto response = co_await http_.send(req);
    if (!response) co_return response.error();
    if (response->status == 401 && attempt == 0 &&
        (!settings_.fresh_token_may_help || settings_.fresh_token_may_help(*response))) {
      tokens_.invalidate();
      continue;
    }
    co_return response;
  }
}

asio::awaitable<Result<http::Response>> OAuthApi::call_ok(http::Request req, std::string_view action,
                                                          std::string what) {
  auto response = co_await call(std::move(req));
  if (!response) co_return response.error().with_context(fmt::format("Failed to {} {}", action, what));
  if (!response->ok()) co_return map_error(*response, what);
  co_return response;
}

asio::awaitable<Result<http::Response>> OAuthApi::get_ok(std::string path_and_query, std::string what) {
  co_return co_await call_ok(request(http::Method::get, std::move(path_and_query)), "fetch", std::move(what));
}

}  // namespace capsync::connector
