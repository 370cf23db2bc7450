#pragma once
// TokenSource: where a connector gets its bearer token. OAuth connections adapt
// oauth::TokenManager (oauth_token_source.hpp); a Capsule personal token is a StaticToken.

#include <boost/asio/awaitable.hpp>

#include "core/error/result.hpp"
#include "core/secret/secret.hpp"

namespace capsync::connector {

class TokenSource {
 public:
  virtual ~TokenSource() = default;
  virtual boost::asio::awaitable<Result<Secret>> access_token() = 0;
  // The provider answered 401 with the last token: the next access_token() must not return it.
  virtual void invalidate() = 0;
};

// A token that never changes (Capsule personal token). After invalidate() it fails with
// Errc::unauthorized, so a rejected personal token is reported, not retried forever.
class StaticToken final : public TokenSource {
 public:
  explicit StaticToken(Secret token) : token_(std::move(token)) {}
  boost::asio::awaitable<Result<Secret>> access_token() override {
    if (rejected_)
      co_return Error(Errc::unauthorized,
                      "the access token was rejected (401); issue a new one and update the config");
    co_return token_;
  }
  void invalidate() override { rejected_ = true; }

 private:
  Secret token_;
  bool rejected_ = false;
};

}  // namespace capsync::connector
