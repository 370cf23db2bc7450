#include "core/oauth/token_endpoint.hpp"

#include <charconv>

#include <rapidjson/document.h>

#include "core/connector/json.hpp"
#include "core/encoding/base64.hpp"
#include "core/http/retry_policy.hpp"
#include "core/metrics/counting_gate.hpp"

namespace capsync::oauth {

namespace {
// Longer than any provider grants; a token is refreshed well before this anyway.
constexpr std::chrono::seconds kMaxTokenLifetime = std::chrono::hours(24 * 366);
}  // namespace

namespace asio = boost::asio;

namespace {

std::string string_member(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                      : std::string();
}

}  // namespace

Result<TokenResponse> parse_token_response(std::string_view body) {
  auto parsed = connector::json::parse(body, connector::json::Numbers::as_numbers);
  if (!parsed) return make_error(Errc::protocol, "token endpoint answered {}", parsed.error().message());
  const rapidjson::Document& doc = *parsed;
  if (!doc.IsObject()) return make_error(Errc::protocol, "token endpoint returned a body that is not a JSON object");
  TokenResponse r;
  std::string access = string_member(doc, "access_token");
  if (access.empty()) return make_error(Errc::protocol, "token endpoint response has no access_token");
  r.access_token = Secret(std::move(access));
  if (std::string refresh = string_member(doc, "refresh_token"); !refresh.empty()) r.refresh_token = Secret(std::move(refresh));
  if (auto it = doc.FindMember("expires_in"); it != doc.MemberEnd()) {
    // Bounded before any conversion: an absurd lifetime from the server must not overflow.
    double seconds = 0;
    if (it->value.IsNumber()) {
      seconds = it->value.GetDouble();
    } else if (it->value.IsString()) {
      const std::string_view text(it->value.GetString(), it->value.GetStringLength());
      long long whole = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
      seconds = ec == std::errc{} && end == text.data() + text.size() ? static_cast<double>(whole)
                : ec == std::errc::result_out_of_range                 ? kMaxTokenLifetime.count()
                                                                       : 0;
    }
    if (seconds > 0) r.expires_in = seconds >= kMaxTokenLifetime.count() ? kMaxTokenLifetime
                                                                            : std::chrono::seconds(static_cast<long long>(seconds));
  }
  if (r.expires_in <= std::chrono::seconds(0)) r.expires_in = std::chrono::seconds(300);  // unknown: assume short
  r.scope = string_member(doc, "scope");
  return r;
}

asio::awaitable<std::variant<TokenResponse, TokenError>> request_tokens(http::Client& client, const OAuthProfile& profile,
                                                                       FormFields fields, log::Fields ctx) {
  http::Request req;
  req.method = http::Method::post;
  req.url = profile.token_url;
  req.content_type = "application/x-www-form-urlencoded";
  req.headers.emplace_back("Accept", "application/json");
  if (profile.client_auth == ClientAuth::basic) {
    // RFC 6749 section 2.3.1: each part is form-encoded first, so a ':' or '+' survives.
    std::string credentials =
        http::encode_component(profile.client_id) + ":" + http::encode_component(profile.client_secret.reveal());
    req.headers.emplace_back("Authorization", "Basic " + encoding::base64_encode(credentials));
  } else {
    fields.emplace_back("client_id", profile.client_id);
    if (!profile.client_secret.empty()) fields.emplace_back("client_secret", std::string(profile.client_secret.reveal()));
  }
  req.body = http::form_encode(fields);
  // Counted with the provider's API requests (capsync_http_requests_total).
  metrics::CountingGate gate(nullptr, ctx.connection, ctx.provider);
  req.gate = &gate;
  // Not retried by the client: a refresh the server processed rotates the token; the caller decides.
  // Not logged by it either: the caller saves the tokens first.
  req.log_success = false;
  auto sent = co_await client.send(std::move(req), ctx);
  if (!sent) co_return TokenError{sent.error().with_context("Failed to reach the token endpoint"), "", false};
  const http::Response& resp = *sent;
  if (resp.ok()) {
    auto parsed = parse_token_response(resp.body);
    if (!parsed) co_return TokenError{parsed.error(), "", true};
    co_return std::move(*parsed);
  }
  auto doc = connector::json::parse(resp.body, connector::json::Numbers::as_numbers);
  std::string code, description;
  if (doc && doc->IsObject()) {
    code = string_member(*doc, "error");
    description = string_member(*doc, "error_description");
  }
  // The statuses the HTTP layer retries (5xx, 429, 408): the server carried nothing out.
  if (http::retryable_status(resp.status))
    co_return TokenError{make_error(Errc::http, "token endpoint answered HTTP {}; will retry", resp.status), code, false};
  // RFC 6749 §5.2: a refused grant or client is a 400 (or 401) with an OAuth "error" code.
  const Errc errc = resp.status == 400 || resp.status == 401 ? Errc::unauthorized : Errc::http;
  co_return TokenError{make_error(errc, "token endpoint refused the request: HTTP {} {}{}{}", resp.status,
                                  code.empty() ? "(no error code)" : code, description.empty() ? "" : ": ", description),
                       code, true};
}

}  // namespace capsync::oauth
