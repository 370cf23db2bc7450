#pragma once
// OAuthApi: how an accounting connector talks to an OAuth 2 JSON API (Xero, FreeAgent, Sage,
// FreshBooks). It builds requests under one base URL with the connection's timeout and rate
// gate, sends them with the bearer token, and after a 401 invalidates the token and sends once
// more. A connector holds one and keeps its own paths, bodies, parsing and error mapping.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/connector/http_sender.hpp"
#include "core/connector/token_source.hpp"
#include "core/error/result.hpp"
#include "core/http/request.hpp"

namespace capsync::connector {

struct OAuthApiSettings {
  std::string provider;  // as operators read it in errors: "Xero", "FreeAgent"
  std::string base_url;  // request paths are appended; a trailing '/' is dropped
  std::chrono::milliseconds timeout{30000};
  http::RequestGate* gate = nullptr;  // the connection's rate limiter for this provider
  // Set on every request: which 2xx bodies are whole (http::Request::accept_body).
  std::function<bool(std::string_view body)> accept_body;
  // The provider's non-2xx answer as an Error naming `what` (its errors.hpp map_error).
  Error (*map_error)(const http::Response& response, std::string_view what) = nullptr;
  // Whether a 401 may be cured by a fresh token; unset = every 401 is.
  std::function<bool(const http::Response& response)> fresh_token_may_help;
};

// The settings from a connector's own (its base_url, timeout and gate), its name for errors and
// its error mapping; a provider's quirks (accept_body, fresh_token_may_help) are set after.
template <typename ConnectorSettings>
OAuthApiSettings oauth_api_settings(std::string provider, const ConnectorSettings& settings,
                                    Error (*map_error)(const http::Response&, std::string_view)) {
  OAuthApiSettings out;
  out.provider = std::move(provider);
  out.base_url = settings.base_url;
  out.timeout = settings.timeout;
  out.gate = settings.gate;
  out.map_error = map_error;
  return out;
}

class OAuthApi {
 public:
  OAuthApi(HttpSender& http, TokenSource& tokens, OAuthApiSettings settings);
  OAuthApi(const OAuthApi&) = delete;
  OAuthApi& operator=(const OAuthApi&) = delete;

  // <base_url><path_and_query>, accepting JSON, with the timeout, gate and accept_body.
  http::Request request(http::Method method, std::string path_and_query) const;

  // A header every later call carries (Xero's tenant, Sage's business, once known); a header of
  // the same name set before is replaced.
  void set_header(std::string name, std::string value);

  // Sends with the bearer token and the added headers. Any HTTP status is a Response; after a
  // 401 the token is invalidated and the request sent once more, so a token that expired early
  // costs one retry and a revoked one is reported, not retried forever.
  boost::asio::awaitable<Result<http::Response>> call(http::Request request);
  // call() where only a 2xx answer is a result: a transport failure reads
  // "Failed to <action> <what>", any other status is the provider's map_error(response, what).
  boost::asio::awaitable<Result<http::Response>> call_ok(http::Request request, std::string_view action,
                                                         std::string what);
  // call_ok() of GET <path_and_query>, action "fetch".
  boost::asio::awaitable<Result<http::Response>> get_ok(std::string path_and_query, std::string what);

  Error map_error(const http::Response& response, std::string_view what) const {
    return settings_.map_error(response, what);
  }

 private:
  // Owned by the executor's thread, like the connector that holds this.
  HttpSender& http_;
  TokenSource& tokens_;
  OAuthApiSettings settings_;
  http::Headers headers_;
};

}  // namespace capsync::connector
