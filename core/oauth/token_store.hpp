#pragma once
// TokenStore: where a connection's OAuth tokens live (the tokens table). Exactly one copy per
// connection: a rotated refresh token invalidates the previous one at the provider.

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "core/error/result.hpp"
#include "core/secret/secret.hpp"

namespace capsync::oauth {

// credentials_rejected: a provider without OAuth (KashFlow) refused the configured login.
enum class TokenState { ok, needs_authorization, credentials_rejected };
std::string_view to_string(TokenState state);  // "ok", "needs_authorization", "credentials_rejected"

struct TokenRecord {
  std::string connection;
  Secret access_token;
  Secret refresh_token;
  std::chrono::system_clock::time_point expires_at;  // of the access token
  std::string scope;
  std::string tenant_id;
  TokenState state = TokenState::ok;
  std::chrono::system_clock::time_point updated_at;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual Result<std::optional<TokenRecord>> load(const std::string& connection) = 0;
  // Durable when it returns ok: the refresh token it holds is the one to use after a crash.
  virtual Status save(const TokenRecord& record) = 0;
  virtual Status set_state(const std::string& connection, TokenState state) = 0;
};

// For tests and for running without a state database. TEST_fail_next_saves makes the next n
// save() calls fail as a crashed or full disk would.
class MemoryTokenStore final : public TokenStore {
 public:
  Result<std::optional<TokenRecord>> load(const std::string& connection) override;
  Status save(const TokenRecord& record) override;
  Status set_state(const std::string& connection, TokenState state) override;

  void TEST_fail_next_saves(int n) { fail_saves_ = n; }
  int saves() const { return saves_; }

 private:
  std::map<std::string, TokenRecord> records_;
  int fail_saves_ = 0;
  int saves_ = 0;
};

}  // namespace capsync::oauth
