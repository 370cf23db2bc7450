#include "connectors/kashflow/session_tokens.hpp"

#include "connectors/kashflow/session.hpp"

namespace capsync::kashflow {

namespace asio = boost::asio;

SessionTokens::SessionTokens(connector::HttpSender& http, SessionLogin login) : http_(http), login_(std::move(login)) {
  while (login_.base_url.ends_with('/')) login_.base_url.pop_back();
}

http::Request SessionTokens::request(http::Method method, std::string body) const {
  http::Request r;
  r.method = method;
  r.url = login_.base_url + "/sessiontoken";
  r.headers.emplace_back("Accept", "application/json");
  r.body = std::move(body);
  r.content_type = "application/json";
  r.timeout = login_.timeout;
  r.gate = login_.gate;
  return r;
}

asio::awaitable<Result<Secret>> SessionTokens::access_token() {
  if (stopped_) co_return *stopped_;
  if (token_) co_return *token_;
  auto token = co_await log_in();
  if (!token) co_return token.error();
  token_ = *token;
  co_return *token_;
}

asio::awaitable<Result<Secret>> SessionTokens::log_in() {
  if (login_.username.empty() || login_.password.empty() || login_.memorable_word.empty()) {
    stopped_ = Error(Errc::unauthorized,
                     "KashFlow needs accounting.username, accounting.password and accounting.memorable_word in the "
                     "config");
    co_return *stopped_;
  }
  auto first = co_await http_.send(request(http::Method::post, login_body(login_.username, login_.password)));
  if (!first) co_return first.error().with_context("Failed to log in to KashFlow");
  if (!first->ok()) {
    Error e = login_error(*first, LoginStep::password);
    if (credentials_refused(*first)) stopped_ = e;
    co_return e;
  }
  auto challenge = parse_challenge(first->body);
  if (!challenge) co_return challenge.error();
  auto letters = letters_body(*challenge, login_.memorable_word);
  if (!letters) {
    stopped_ = letters.error();
    co_return letters.error();
  }
  auto second = co_await http_.send(request(http::Method::put, std::move(*letters)));
  if (!second) co_return second.error().with_context("Failed to log in to KashFlow");
  if (!second->ok()) {
    Error e = login_error(*second, LoginStep::memorable_word);
    if (credentials_refused(*second)) stopped_ = e;
    co_return e;
  }
  co_return parse_session_token(second->body);
}

}  // namespace capsync::kashflow
