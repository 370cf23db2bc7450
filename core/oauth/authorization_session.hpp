#pragma once
// AuthorizationSession: the OAuth authorization-code flow (with PKCE S256 where the provider
// supports it), as run by `capsyncctl connect <name>`.
//
//   AuthorizationSession s(executor, client, store, {...});
//   auto url = s.begin();                 // opens the loopback listener, returns authorize URL
//   // the operator opens url in a browser; the provider redirects to http://127.0.0.1:port/callback
//   auto result = co_await s.complete();  // waits for the redirect, checks state, exchanges
//                                         // the code and saves the tokens
//
// Without a listener (a redirect URI that must be HTTPS, or no browser that reaches this
// host): begin_manual(registered_uri), then complete_with(the URL the browser was sent to).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/error/result.hpp"
#include "core/http/client.hpp"
#include "core/oauth/oauth_profile.hpp"
#include "core/oauth/token_store.hpp"

namespace capsync::oauth {

struct AuthorizationOptions {
  std::string connection;
  OAuthProfile profile;
  std::string redirect_host = "127.0.0.1";  // loopback only
  std::uint16_t redirect_port = 0;          // 0 = any free port (must match the app's registration otherwise)
  std::string redirect_path = "/callback";
  std::chrono::seconds timeout{300};        // how long to wait for the browser
  Clock* clock = nullptr;
};

class AuthorizationSession final {
 public:
  AuthorizationSession(boost::asio::any_io_executor executor, http::Client& client, TokenStore& store,
                       AuthorizationOptions options);
  ~AuthorizationSession();
  AuthorizationSession(const AuthorizationSession&) = delete;
  AuthorizationSession& operator=(const AuthorizationSession&) = delete;

  // Starts listening on the redirect port and returns the URL the operator must open.
  Result<std::string> begin();
  // The URL the operator must open, for a redirect to `redirect_uri` that nothing here
  // listens for; the operator hands the result to complete_with().
  Result<std::string> begin_manual(std::string redirect_uri);
  // The redirect_uri sent to the provider (valid after begin() or begin_manual()).
  std::string redirect_uri() const;

  // Waits for the one redirect, verifies state, exchanges the code, saves the tokens.
  boost::asio::awaitable<Result<TokenRecord>> complete();
  // The same for the URL the browser was redirected to (its state must match), or for the
  // bare code copied from it.
  boost::asio::awaitable<Result<TokenRecord>> complete_with(std::string redirected);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capsync::oauth
