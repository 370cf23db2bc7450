#pragma once
// Fake FreshBooks callbacks API (https://www.freshbooks.com/api/webhooks; paths and shapes as the
// official SDK's events.py and its docs): /events/account/{account_id}/events/callbacks.
//   POST {"callback":{"event","uri"}} → {"response":{"result":{"callback":{callbackid, event, uri,
//   verified:false}}}}, after which FreshBooks posts name=callback.verify&object_id=<id>&verifier=<code>
//   to the uri; PUT {"callback":{"verifier"}} verifies (a wrong code: 422), PUT {"callback":{"resend":true}}
//   issues the verifier post again, DELETE removes (404 for an unknown id); GET lists with
//   page/pages/per_page/total. The posts FreshBooks would send (verifier, deliveries signed with
//   X-FreshBooks-Hmac-SHA256) are kept in an outbox, shown under "callbacks" in /_admin/state.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/json_util.hpp"

namespace capsync::sandbox {

struct FreshBooksCallback {
  std::int64_t id = 0;
  std::string event, uri, verifier;
  bool verified = false;
};

// One post FreshBooks sends to a callback's uri: a form body and its signature header (empty
// for the verifier post, which is not signed).
struct FreshBooksOutgoing {
  std::string uri, body, signature;
};

class FreshBooksCallbacks final {
 public:
  FreshBooksCallbacks();
  void clear();
  // `path` is below /events/account/; the account must be `account_id`.
  Response handle(const Request& request, std::string_view path, const std::string& account_id);
  // A change to a record: a signed delivery to each verified callback of `event` ("invoice.update").
  void notify(const std::string& event, std::int64_t object_id, const std::string& account_id);
  void dump(JsonWriter& writer) const;

 private:
  void post_verifier(const FreshBooksCallback& callback);

  std::mt19937_64 rng_;
  std::vector<FreshBooksCallback> callbacks_;
  std::vector<FreshBooksOutgoing> outbox_;
  std::int64_t next_id_ = 2001;
};

}  // namespace capsync::sandbox
