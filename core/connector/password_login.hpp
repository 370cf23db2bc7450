#pragma once
// PasswordLogin: the TokenSource of a provider without OAuth, which logs in with the user
// credentials from the config and keeps a session per connection. A login the provider refuses
// for its credentials is not sent again (repeated bad logins lock the user's account) until the
// credentials change or an operator asks for one more try.

#include "core/config/settings.hpp"
#include "core/connector/token_source.hpp"

namespace capsync::connector {

class PasswordLogin : public TokenSource {
 public:
  // The configured credentials, read again (a config reload). Different ones replace the old and
  // clear a refusal; the same ones change nothing. True when changed.
  virtual bool set_credentials(const config::AccountingSettings& settings) = 0;
  // An operator asked to check the login (`capsyncctl connect`): a refusal is cleared.
  virtual void retry() = 0;
  virtual bool refused() const = 0;
};

}  // namespace capsync::connector
