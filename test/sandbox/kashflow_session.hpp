#pragma once
// Fake KashFlow REST session login (https://www.kashflow.com/developers/rest-api/sessiontoken/):
//   POST /sessiontoken {"UserName","Password"} -> TemporaryToken + three distinct 1-based
//     positions of the memorable word (random each time);
//   PUT /sessiontoken {"TemporaryToken","MemorableWordList":[{"Position","Value"}]} with those
//     letters (case-insensitive) -> {"SessionToken"}; the temporary token is single use and lasts
//     5 minutes (sandbox's choice; KashFlow says "x minutes");
//   DELETE /sessiontoken ends the session.
// A session dies after 60 minutes without use (KashFlow's default), both divided by the time
// scale. Each wrong password or wrong letters counts against the user; the `lockAfter`-th
// (default 3) locks the account: from then on every login answers 401 AccountLocked, as
// KashFlow's authentication page describes. Field names are matched case-insensitively.

#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/json_util.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

// {"Error":code,"Message":message} with the given status.
Response kashflow_error(int status, std::string_view code, std::string_view message);

class KashFlowSession final {
 public:
  explicit KashFlowSession(SandboxContext& context);

  void load_seed(const rapidjson::Value& section);
  void dump_state(JsonWriter& writer) const;

  Response start(const Request& request);     // POST /sessiontoken
  Response complete(const Request& request);  // PUT /sessiontoken
  Response end(const Request& request);       // DELETE /sessiontoken

  // The user whose live session the request's "Authorization: KfToken <t>" names (and marks
  // it used), else nullopt.
  std::optional<std::string> check(const Request& request);
  // Ends every session (what an idle expiry does), so the next call gets InvalidSessionToken.
  void expire_all() { sessions_.clear(); }

 private:
  struct User {
    std::string password, memorable_word;
    int failures = 0;
    bool locked = false;
  };
  struct Pending {
    std::string username;
    std::vector<int> positions;
    TimePoint expires_at;
  };
  struct Session {
    std::string username;
    TimePoint last_used;
  };

  std::string random_token();
  // Counts a bad attempt; the answer is AccountLocked once the limit is reached.
  Response fail(User& user, std::string_view code, std::string_view message);

  SandboxContext& context_;
  std::mt19937_64 rng_;
  int lock_after_ = 3;
  std::map<std::string, User> users_;  // by user name
  std::map<std::string, Pending> pending_;
  std::map<std::string, Session> sessions_;
};

}  // namespace capsync::sandbox
