#pragma once
// CapsuleAuth: the bearer token Capsule requests carry (R26). A connection with a registered
// Capsule app uses its OAuth access token once `capsyncctl connect --capsule` has stored one;
// until then, and without an app, the personal access token: nothing changes, Capsule is polled.
// Which one is decided at construction and again by reload() (after a connect).
// Single-threaded: used from the executor's thread.

#include <functional>

#include "connectors/capsule/personal_token.hpp"
#include "core/connector/token_source.hpp"

namespace capsync::capsule {

class CapsuleAuth final : public connector::TokenSource {
 public:
  // Whether OAuth tokens are stored for the connection (and not refused since).
  using Authorized = std::function<bool()>;

  // `personal` and `oauth` outlive this object; `oauth` is null without a registered app.
  CapsuleAuth(PersonalToken& personal, connector::TokenSource* oauth, Authorized authorized);

  boost::asio::awaitable<Result<Secret>> access_token() override;
  void invalidate() override { current().invalidate(); }
  void accepted() override { current().accepted(); }
  void rejected() override { current().rejected(); }

  // Decides again which token to use.
  void reload();
  // True while the OAuth token is used: REST hooks can be managed (Capsule allows them only to
  // registered apps).
  bool uses_oauth() const { return use_oauth_; }

 private:
  connector::TokenSource& current() { return use_oauth_ ? *oauth_ : personal_; }

  PersonalToken& personal_;
  connector::TokenSource* oauth_;
  Authorized authorized_;
  bool use_oauth_ = false;
};

}  // namespace capsync::capsule
