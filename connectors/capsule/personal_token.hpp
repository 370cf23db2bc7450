#pragma once
// PersonalToken: the Capsule personal access token of a connection, as a TokenSource.
//
// One 401 is not proof that the token was revoked (Capsule answers one now and then, and the
// operator may have rotated the token file): invalidate() re-reads the token file, so a rotated
// token is used from the next request without a reload, and CapsuleClient retries once. A 401 to
// that retry means the connection needs a new Capsule token: state() says so until a request
// is accepted again. Nothing is latched: every later request tries the current token.
// Single-threaded: used from the executor's thread.

#include <functional>
#include <string_view>

#include "core/connector/token_source.hpp"

namespace capsync::capsule {

enum class TokenState {
  unknown,          // no answer from Capsule yet
  ok,               // Capsule accepted the token
  needs_new_token,  // Capsule refused it twice in a row, the second time after re-reading the file
};

// "unknown", "ok", "needs_new_token".
std::string_view to_string(TokenState state);

class PersonalToken final : public connector::TokenSource {
 public:
  // Reads the token again (from its file); nullptr when it has no file to read.
  using Reread = std::function<Result<Secret>()>;

  explicit PersonalToken(Secret token, Reread reread = nullptr, std::string connection = {});

  boost::asio::awaitable<Result<Secret>> access_token() override;
  // Capsule answered 401: re-read the file so the retry sends the newest token.
  void invalidate() override;
  void accepted() override { state_ = TokenState::ok; }
  void rejected() override { state_ = TokenState::needs_new_token; }

  TokenState state() const { return state_; }

 private:
  Secret token_;
  Reread reread_;
  std::string connection_;  // for log lines
  TokenState state_ = TokenState::unknown;
};

}  // namespace capsync::capsule
