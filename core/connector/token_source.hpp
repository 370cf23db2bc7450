#pragma once
// TokenSource: where a connector gets its bearer token. OAuth connections adapt
// oauth::TokenManager (oauth_token_source.hpp); a Capsule personal token is a
// capsule::PersonalToken (connectors/capsule/personal_token.hpp).

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
  // The provider accepted the token, or refused it again after invalidate(): for sources that
  // report their state (Capsule's personal token). Default: nothing to record.
  virtual void accepted() {}
  virtual void rejected() {}
};

}  // namespace capsync::connector
