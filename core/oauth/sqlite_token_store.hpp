#pragma once
// SqliteTokenStore: TokenStore on the tokens table of capsync's database. save() is one
// statement, so it is durable (per the database's synchronous setting) when it returns ok.

#include "core/oauth/token_store.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::oauth {

class SqliteTokenStore final : public TokenStore {
 public:
  explicit SqliteTokenStore(store::Database& db) : db_(db) {}
  Result<std::optional<TokenRecord>> load(const std::string& connection) override;
  Status save(const TokenRecord& record) override;
  Status set_state(const std::string& connection, TokenState state) override;
  // The recorded state alone, without reading the tokens; nullopt before the first record.
  Result<std::optional<TokenState>> state(const std::string& connection);

 private:
  store::Database& db_;
};

}  // namespace capsync::oauth
