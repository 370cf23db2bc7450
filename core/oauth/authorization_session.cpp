#include "core/oauth/authorization_session.hpp"

#include <cctype>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <openssl/crypto.h>

#include "core/http/url.hpp"
#include "core/oauth/pkce.hpp"
#include "core/oauth/token_endpoint.hpp"

namespace capsync::oauth {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct AuthorizationSession::Impl {
  asio::any_io_executor executor;
  http::Client& client;
  TokenStore& store;
  AuthorizationOptions options;
  Clock* clock;
  tcp::acceptor acceptor;
  std::string state = random_urlsafe(24);
  std::string verifier = random_urlsafe(48);  // 64 characters
  std::string redirect;
  log::Fields fields;

  Impl(asio::any_io_executor ex, http::Client& c, TokenStore& s, AuthorizationOptions o)
      : executor(ex), client(c), store(s), options(std::move(o)), clock(options.clock ? options.clock : &Clock::real()),
        acceptor(ex) {
    fields.connection = options.connection;
    fields.provider = options.profile.provider;
  }

  std::string authorize_url() const {
    const auto& p = options.profile;
    FormFields q{{"response_type", "code"}, {"client_id", p.client_id}, {"redirect_uri", redirect}};
    if (!p.scope.empty()) q.emplace_back("scope", p.scope);
    q.emplace_back("state", state);
    if (p.pkce) {
      q.emplace_back("code_challenge", code_challenge_s256(verifier));
      q.emplace_back("code_challenge_method", "S256");
    }
    char sep = p.authorize_url.find('?') == std::string::npos ? '?' : '&';
    return p.authorize_url + sep + http::form_encode(q);
  }

  // The code a redirect's query parameters carry, once their state is ours.
  template <typename Params>
  Result<std::string> code_of(const Params& params) const {
    std::string code, got_state, error, description;
    for (auto param : params) {
      if (param.key == "code") code = param.value;
      else if (param.key == "state") got_state = param.value;
      else if (param.key == "error") error = param.value;
      else if (param.key == "error_description") description = param.value;
    }
    const bool state_ok =
        got_state.size() == state.size() && CRYPTO_memcmp(got_state.data(), state.data(), state.size()) == 0;
    if (!state_ok)
      return make_error(Errc::unauthorized,
                        "The authorization redirect carried a wrong state (a stale or forged request); run "
                        "`capsyncctl connect {}` again", options.connection);
    if (!error.empty() || code.empty())
      return make_error(Errc::unauthorized, "The provider refused authorization: {}{}{}",
                        error.empty() ? "no code" : error, description.empty() ? "" : ": ", description);
    return code;
  }

  // Trades the code for tokens and saves them.
  asio::awaitable<Result<TokenRecord>> exchange(std::string code) {
    FormFields form{{"grant_type", "authorization_code"}, {"code", std::move(code)}, {"redirect_uri", redirect}};
    if (options.profile.pkce) form.emplace_back("code_verifier", verifier);
    auto outcome = co_await request_tokens(client, options.profile, std::move(form), fields);
    if (auto* failure = std::get_if<TokenError>(&outcome))
      co_return failure->error.with_context("Failed to exchange the authorization code");
    auto& tokens = std::get<TokenResponse>(outcome);
    if (!tokens.refresh_token)
      co_return make_error(Errc::protocol, "The provider issued no refresh token{}",
                           options.profile.no_refresh_token_hint.empty()
                               ? std::string()
                               : fmt::format(" ({})", options.profile.no_refresh_token_hint));
    TokenRecord record;
    record.connection = options.connection;
    record.access_token = std::move(tokens.access_token);
    record.refresh_token = std::move(*tokens.refresh_token);
    record.expires_at = clock->system_now() + tokens.expires_in;
    record.scope = tokens.scope;
    record.state = TokenState::ok;
    record.updated_at = clock->system_now();
    if (auto saved = store.save(record); !saved)
      co_return saved.error().with_context("Failed to save the new OAuth tokens");
    log::info(fields, "Authorized connection {}", options.connection);
    co_return record;
  }

  // Answers the browser.
  static void reply(beast::tcp_stream& stream, bhttp::status status, std::string text, bhttp::request<bhttp::string_body>& req) {
    bhttp::response<bhttp::string_body> res{status, req.version()};
    res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(false);
    res.body() = std::move(text);
    res.prepare_payload();
    beast::error_code ec;
    bhttp::write(stream, res, ec);  // tiny and local: a blocking write is fine
  }
};

AuthorizationSession::AuthorizationSession(asio::any_io_executor executor, http::Client& client, TokenStore& store,
                                           AuthorizationOptions options)
    : impl_(std::make_unique<Impl>(std::move(executor), client, store, std::move(options))) {}

AuthorizationSession::~AuthorizationSession() = default;

std::string AuthorizationSession::redirect_uri() const { return impl_->redirect; }

Result<std::string> AuthorizationSession::begin() {
  Impl& im = *impl_;
  if (!http::is_loopback_host(im.options.redirect_host))
    return make_error(Errc::invalid_argument, "The OAuth redirect must listen on a loopback address, not {}",
                      im.options.redirect_host);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(im.options.redirect_host == "localhost" ? "127.0.0.1" : im.options.redirect_host, ec);
  if (ec) return make_error(Errc::invalid_argument, "Invalid redirect host {}: {}", im.options.redirect_host, ec.message());
  tcp::endpoint endpoint(address, im.options.redirect_port);
  im.acceptor.open(endpoint.protocol(), ec);
  if (!ec) im.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(endpoint, ec);
  if (!ec) im.acceptor.listen(4, ec);
  if (ec)
    return make_error(Errc::io, "Failed to listen for the OAuth redirect on {}:{}: {} — is another capsyncctl connect running?",
                      im.options.redirect_host, im.options.redirect_port, ec.message());
  auto port = im.acceptor.local_endpoint().port();
  im.redirect = fmt::format("http://{}:{}{}", im.options.redirect_host, port, im.options.redirect_path);
  return im.authorize_url();
}

Result<std::string> AuthorizationSession::begin_manual(std::string redirect_uri) {
  auto parsed = boost::urls::parse_absolute_uri(redirect_uri);
  if (!parsed || (parsed->scheme() != "https" && parsed->scheme() != "http"))
    return make_error(Errc::invalid_argument, "The OAuth redirect URI must be an absolute http(s) URL, not \"{}\"",
                      redirect_uri);
  impl_->redirect = std::move(redirect_uri);
  return impl_->authorize_url();
}

asio::awaitable<Result<TokenRecord>> AuthorizationSession::complete() {
  Impl& im = *impl_;
  if (!im.acceptor.is_open()) co_return make_error(Errc::invalid_argument, "AuthorizationSession::begin() was not called");
  // Gives up on the browser after the timeout by closing the listener.
  asio::steady_timer timer(im.executor, im.options.timeout);
  timer.async_wait([&im](boost::system::error_code ec) {
    if (!ec) im.acceptor.close();
  });
  std::string code;
  for (;;) {
    auto [aec, socket] = co_await im.acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (aec)
      co_return make_error(Errc::timeout, "No authorization redirect arrived within {} s — run `capsyncctl connect {}` again",
                           im.options.timeout.count(), im.options.connection);
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(std::chrono::seconds(10));
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    auto [rec, n] = co_await bhttp::async_read(stream, buffer, req, asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (rec) continue;
    auto target = boost::urls::parse_origin_form(req.target());
    if (!target || target->path() != im.options.redirect_path) {
      Impl::reply(stream, bhttp::status::not_found, "Not found\n", req);
      continue;
    }
    auto found = im.code_of(target->params());
    if (!found) {
      Impl::reply(stream, bhttp::status::bad_request, "capsync: authorization refused, see capsyncctl.\n", req);
      timer.cancel();
      im.acceptor.close();
      co_return found.error();
    }
    code = std::move(*found);
    Impl::reply(stream, bhttp::status::ok, "capsync: authorization received. You can close this window.\n", req);
    break;
  }
  timer.cancel();
  im.acceptor.close();
  co_return co_await im.exchange(std::move(code));
}

asio::awaitable<Result<TokenRecord>> AuthorizationSession::complete_with(std::string redirected) {
  Impl& im = *impl_;
  if (im.redirect.empty())
    co_return make_error(Errc::invalid_argument, "AuthorizationSession::begin_manual() was not called");
  while (!redirected.empty() && std::isspace(static_cast<unsigned char>(redirected.back()))) redirected.pop_back();
  while (!redirected.empty() && std::isspace(static_cast<unsigned char>(redirected.front()))) redirected.erase(0, 1);
  if (redirected.empty()) co_return make_error(Errc::invalid_argument, "No redirected URL or code was given");
  const bool is_url = redirected.starts_with("http://") || redirected.starts_with("https://") ||
                      redirected.find('?') != std::string::npos;
  if (!is_url) co_return co_await im.exchange(std::move(redirected));
  auto url = boost::urls::parse_uri_reference(redirected);
  if (!url || !url->has_query())
    co_return make_error(Errc::invalid_argument,
                         "That is neither the URL the browser was redirected to (with ?code=…&state=…) nor a code");
  auto code = im.code_of(url->params());
  if (!code) co_return code.error();
  co_return co_await im.exchange(std::move(*code));
}

}  // namespace capsync::oauth
