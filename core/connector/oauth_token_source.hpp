#pragma once
// OAuthTokenSource: a TokenSource over the connection's oauth::TokenManager.

#include "core/connector/token_source.hpp"
#include "core/oauth/token_manager.hpp"

namespace capsync::connector {

class OAuthTokenSource final : public TokenSource {
 public:
  explicit OAuthTokenSource(oauth::TokenManager& manager) : manager_(manager) {}
  boost::asio::awaitable<Result<Secret>> access_token() override {
    co_return co_await manager_.access_token();
  }
  void invalidate() override { manager_.invalidate(); }

 private:
  oauth::TokenManager& manager_;
};

}  // namespace capsync::connector
