#include "core/oauth/token_store.hpp"

namespace capsync::oauth {

std::string_view to_string(TokenState state) {
  switch (state) {
    case TokenState::needs_authorization:
      return "needs_authorization";
    case TokenState::credentials_rejected:
      return "credentials_rejected";
    case TokenState::ok:
      break;
  }
  return "ok";
}

Result<std::optional<TokenRecord>> MemoryTokenStore::load(const std::string& connection) {
  auto it = records_.find(connection);
  if (it == records_.end()) return std::optional<TokenRecord>{};
  return std::optional<TokenRecord>{it->second};
}

Status MemoryTokenStore::save(const TokenRecord& record) {
  if (fail_saves_ > 0) {
    --fail_saves_;
    return make_error(Errc::io, "disk I/O error (simulated)");
  }
  records_[record.connection] = record;
  ++saves_;
  return {};
}

Status MemoryTokenStore::set_state(const std::string& connection, TokenState state) {
  auto& record = records_[connection];
  record.connection = connection;
  record.state = state;
  return {};
}

}  // namespace capsync::oauth
