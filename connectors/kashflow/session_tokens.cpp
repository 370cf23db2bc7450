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

bool SessionTokens::set_credentials(const config::AccountingSettings& s) {
  if (s.username == login_.username && s.password == login_.password && s.memorable_word == login_.memorable_word)
    return false;
  login_.username = s.username;
  login_.password = s.password;
  login_.memorable_word = s.memorable_word;
  token_.reset();
  stopped_.reset();
  ++generation_;
  return true;
}

asio::awaitable<Result<Secret>> SessionTokens::access_token() {
  if (stopped_) co_return *stopped_;
  if (token_) co_return *token_;
  const std::uint64_t generation = generation_;
  bool refused = false;
  auto token = co_await log_in(refused);
  // The credentials changed while this login ran: what it learnt is about the old ones.
  if (generation != generation_) co_return token;
  if (!token) {
    if (refused) stopped_ = token.error();
    co_return token.error();
  }
  token_ = *token;
  co_return *token_;
}

asio::awaitable<Result<Secret>> SessionTokens::log_in(bool& refused) {
  refused = true;
  if (login_.username.empty() || login_.password.empty() || login_.memorable_word.empty())
    co_return Error(Errc::unauthorized,
                    "KashFlow needs accounting.username, accounting.password and accounting.memorable_word in the "
                    "config");
  const SessionLogin login = login_;  // set_credentials may replace login_ while a request runs
  refused = false;
  auto first = co_await http_.send(request(http::Method::post, login_body(login.username, login.password)));
  if (!first) co_return first.error().with_context("Failed to log in to KashFlow");
  if (!first->ok()) {
    refused = credentials_refused(*first);
    co_return login_error(*first, LoginStep::password);
  }
  auto challenge = parse_challenge(first->body);
  if (!challenge) co_return challenge.error();
  auto letters = letters_body(*challenge, login.memorable_word);
  if (!letters) {
    refused = true;
    co_return letters.error();
  }
  auto second = co_await http_.send(request(http::Method::put, std::move(*letters)));
  if (!second) co_return second.error().with_context("Failed to log in to KashFlow");
  if (!second->ok()) {
    refused = credentials_refused(*second);
    co_return login_error(*second, LoginStep::memorable_word);
  }
  co_return parse_session_token(second->body);
}

}  // namespace capsync::kashflow
