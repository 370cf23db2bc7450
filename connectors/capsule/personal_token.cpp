#include "connectors/capsule/personal_token.hpp"

#include "core/log/log.hpp"

namespace capsync::capsule {

std::string_view to_string(TokenState state) {
  switch (state) {
    case TokenState::unknown: return "unknown";
    case TokenState::ok: return "ok";
    case TokenState::needs_new_token: return "needs_new_token";
  }
  return "unknown";
}

PersonalToken::PersonalToken(Secret token, Reread reread, std::string connection)
    : token_(std::move(token)), reread_(std::move(reread)), connection_(std::move(connection)) {}

boost::asio::awaitable<Result<Secret>> PersonalToken::access_token() { co_return token_; }

void PersonalToken::invalidate() {
  if (!reread_) return;
  auto fresh = reread_();
  const log::Fields fields{.connection = connection_, .provider = "capsule"};
  if (!fresh) {
    log::warning(fields, "Failed to re-read the Capsule token of connection {}: {}, keeping the current one",
                 connection_, fresh.error());
    return;
  }
  if (*fresh == token_) return;
  token_ = std::move(*fresh);
  log::notice(fields, "The Capsule token of connection {} changed on disk; using the new one", connection_);
}

}  // namespace capsync::capsule
