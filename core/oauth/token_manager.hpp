#pragma once
// TokenManager: the OAuth access token of one connection, refreshed before it expires.
//
// Invariants:
//  - at most one refresh in flight; concurrent access_token() callers await that same refresh;
//  - a rotated refresh token is saved to the TokenStore before the new access token is returned;
//    if the save fails the new token is not used (the old refresh token stays in the store, and
//    the provider accepts it again for a while when it is retried — Xero: 30 min);
//  - invalid_grant persists state needs_authorization, is logged once, and later calls fail fast
//    with Errc::unauthorized without touching the network.
// Single-threaded: use from the executor's thread only.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/error/result.hpp"
#include "core/http/client.hpp"
#include "core/http/clock.hpp"
#include "core/oauth/oauth_profile.hpp"
#include "core/oauth/token_store.hpp"
#include "core/secret/secret.hpp"

namespace capsync::oauth {

struct TokenManagerOptions {
  std::string connection;
  OAuthProfile profile;
  std::optional<Secret> bootstrap_refresh_token;  // used only if the store has no token yet
  std::chrono::seconds refresh_margin{60};         // refresh this long before expiry
  Clock* clock = nullptr;                          // nullptr = Clock::real()
};

class TokenManager final {
 public:
  TokenManager(boost::asio::any_io_executor executor, http::Client& client, TokenStore& store,
               TokenManagerOptions options);
  ~TokenManager();
  TokenManager(const TokenManager&) = delete;
  TokenManager& operator=(const TokenManager&) = delete;

  // A valid access token, refreshing first if it expires within the margin.
  boost::asio::awaitable<Result<Secret>> access_token();

  // After a 401: the current access token is bad, the next access_token() refreshes.
  void invalidate();

  // The store holds new tokens (an operator ran `capsyncctl connect`): forget what was read
  // and any needs_authorization; the next access_token() reads the store again.
  void reload();

  // True once invalid_grant was seen (or the store says so): an operator must reconnect.
  bool needs_authorization() const;

  // Number of token refresh requests sent (tests, status).
  int refreshes() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace capsync::oauth
