#pragma once
// The JSON of KashFlow's two-step session login (kashflow.com/developers/rest-api/sessiontoken/):
//   POST /sessiontoken {"UserName","Password"} -> {"TemporaryToken", "MemorableWordList":
//     [{"Position":2,"Value":""}, ...]} (three 1-based positions);
//   PUT /sessiontoken {"TemporaryToken","MemorableWordList":[{"Position","Value"}]} with those
//     letters of the memorable word -> {"SessionToken"}.
// Secrets go into bodies only through Secret::reveal() and never into an error text.

#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/http/request.hpp"
#include "core/secret/secret.hpp"

namespace capsync::kashflow {

struct LoginChallenge {
  Secret temporary_token;
  std::vector<int> positions;  // 1-based letters of the memorable word asked for
};

std::string login_body(std::string_view username, const Secret& password);
// Errc::protocol when the answer has no TemporaryToken or no positions.
Result<LoginChallenge> parse_challenge(std::string_view body);
// Errc::unauthorized when the configured word has no letter at an asked position.
Result<std::string> letters_body(const LoginChallenge& challenge, const Secret& memorable_word);
Result<Secret> parse_session_token(std::string_view body);

enum class LoginStep { password, memorable_word };
// Whether a refused login step says the credentials (or the account) are wrong, so trying
// again can only count more bad attempts towards a lock: 400/401/403 at either step, except
// an expired temporary token.
bool credentials_refused(const http::Response& response);
// The Error for a refused login step. Credential refusals are Errc::unauthorized naming which
// credential (or the lock) and that capsync stopped trying; 429 is rate_limited; others Errc::http.
Error login_error(const http::Response& response, LoginStep step);

}  // namespace capsync::kashflow
