#include "core/oauth/authorization_session.hpp"

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

  // Answers the browser and returns the callback's query parameters, or nothing for other paths.
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

  const auto& p = im.options.profile;
  FormFields q{{"response_type", "code"}, {"client_id", p.client_id}, {"redirect_uri", im.redirect}};
  if (!p.scope.empty()) q.emplace_back("scope", p.scope);
  q.emplace_back("state", im.state);
  if (p.pkce) {
    q.emplace_back("code_challenge", code_challenge_s256(im.verifier));
    q.emplace_back("code_challenge_method", "S256");
  }
  char sep = p.authorize_url.find('?') == std::string::npos ? '?' : '&';
  return p.authorize_url + sep + form_encode(q);
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
    std::string state, error, description;
    for (auto param : target->params()) {
      if (param.key == "code") code = param.value;
      else if (param.key == "state") state = param.value;
      else if (param.key == "error") error = param.value;
      else if (param.key == "error_description") description = param.value;
    }
    bool state_ok = state.size() == im.state.size() && CRYPTO_memcmp(state.data(), im.state.data(), state.size()) == 0;
    if (!state_ok) {
      Impl::reply(stream, bhttp::status::bad_request, "capsync: state mismatch, authorization refused\n", req);
      timer.cancel();
      im.acceptor.close();
      co_return make_error(Errc::unauthorized,
                           "The authorization redirect carried a wrong state (a stale or forged request); run "
                           "`capsyncctl connect {}` again", im.options.connection);
    }
    if (!error.empty() || code.empty()) {
      Impl::reply(stream, bhttp::status::ok, "capsync: authorization was refused. You can close this window.\n", req);
      timer.cancel();
      im.acceptor.close();
      co_return make_error(Errc::unauthorized, "The provider refused authorization: {}{}{}", error.empty() ? "no code" : error,
                           description.empty() ? "" : ": ", description);
    }
    Impl::reply(stream, bhttp::status::ok, "capsync: authorization received. You can close this window.\n", req);
    break;
  }
  timer.cancel();
  im.acceptor.close();

  FormFields form{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", im.redirect}};
  if (im.options.profile.pkce) form.emplace_back("code_verifier", im.verifier);
  auto outcome = co_await request_tokens(im.client, im.options.profile, std::move(form), im.fields);
  if (auto* failure = std::get_if<TokenError>(&outcome))
    co_return failure->error.with_context("Failed to exchange the authorization code");
  auto& tokens = std::get<TokenResponse>(outcome);
  if (!tokens.refresh_token)
    co_return make_error(Errc::protocol, "The provider issued no refresh token{}",
                         im.options.profile.provider == "xero" ? " (is offline_access in the scope?)" : "");
  TokenRecord record;
  record.connection = im.options.connection;
  record.access_token = std::move(tokens.access_token);
  record.refresh_token = std::move(*tokens.refresh_token);
  record.expires_at = im.clock->system_now() + tokens.expires_in;
  record.scope = tokens.scope;
  record.state = TokenState::ok;
  record.updated_at = im.clock->system_now();
  if (auto s = im.store.save(record); !s) co_return s.error().with_context("Failed to save the new OAuth tokens");
  log::info(im.fields, "Authorized connection {}", im.options.connection);
  co_return record;
}

}  // namespace capsync::oauth
