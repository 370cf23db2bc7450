#pragma once
// SessionTokens: the TokenSource of a KashFlow connection. KashFlow has no OAuth: a session
// token comes from the two-step login (session.hpp) with the configured username, password and
// whole memorable word, and dies after 60 minutes without use. The token lives in memory only.
//  - invalidate() (the API answered 401 InvalidSessionToken) drops the token; the next
//    access_token() logs in again.
//  - A login KashFlow refuses for its credentials (wrong password or memorable word letters,
//    AccountLocked) is never tried again by this source: repeated bad logins lock the user's
//    account. Every later access_token() returns the same Errc::unauthorized error until the
//    credentials change (set_credentials) or an operator asks for one more check (retry).
//  - 429, 5xx and transport failures are returned as they are, and the next call tries again.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/connector/http_sender.hpp"
#include "core/connector/password_login.hpp"

namespace capsync::kashflow {

struct SessionLogin {
  std::string base_url;  // the registry entry's or the config's
  std::string username;
  Secret password;
  Secret memorable_word;
  std::chrono::milliseconds timeout{30000};
  http::RequestGate* gate = nullptr;  // the connection's KashFlow rate limiter
};

class SessionTokens final : public connector::PasswordLogin {
 public:
  SessionTokens(connector::HttpSender& http, SessionLogin login);

  boost::asio::awaitable<Result<Secret>> access_token() override;
  void invalidate() override { token_.reset(); }

  // Username, password and memorable word, read again: different ones also drop the session, so
  // the next access_token() logs in once with them.
  bool set_credentials(const config::AccountingSettings& settings) override;
  void retry() override { stopped_.reset(); }
  bool refused() const override { return stopped_.has_value(); }

 private:
  // `refused`: the failure is about the credentials, so they must not be sent again.
  boost::asio::awaitable<Result<Secret>> log_in(bool& refused);
  http::Request request(http::Method method, std::string body) const;

  connector::HttpSender& http_;
  SessionLogin login_;
  std::optional<Secret> token_;
  std::optional<Error> stopped_;  // a refused login: never try again
  // Bumped by set_credentials, so a login still running with the old credentials neither
  // stores its token nor its refusal.
  std::uint64_t generation_ = 0;
};

}  // namespace capsync::kashflow
