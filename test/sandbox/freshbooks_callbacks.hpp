#pragma once
// Fake FreshBooks callbacks API (https://www.freshbooks.com/api/webhooks; paths and shapes as the
// official SDK's events.py and its docs): /events/account/{account_id}/events/callbacks.
//   POST {"callback":{"event","uri"}} → {"response":{"result":{"callback":{callbackid, event, uri,
//   verified:false}}}}, after which FreshBooks posts name=callback.verify&object_id=<id>&verifier=<code>
//   to the uri; PUT {"callback":{"verifier"}} verifies (a wrong code: 422), PUT {"callback":{"resend":true}}
//   issues the verifier post again, DELETE removes (404 for an unknown id); GET lists with
//   page/pages/per_page/total.
// Posts go over HTTP as FreshBooks sends them (WebhookOutbox): form-encoded, the verifier post
// unsigned, each event signed in X-FreshBooks-Hmac-SHA256; the event fields are FreshBooks'
// name, object_id, account_id, business_id, identity_id, user_id (official SDK guide,
// https://github.com/freshbooks/freshbooks-python-sdk/blob/main/docs/source/user_guide/webhooks.md).
// A post that is not answered 2xx is retried with backoff for a day (FreshBooks documents no
// retry policy; this is the sandbox's assumption). Only http:// URIs are reachable from the
// sandbox; every post, sent or not, is logged with its last answer under "callbacks"/"outbox"
// in /_admin/state.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "test/sandbox/freshbooks_books.hpp"
#include "test/sandbox/http_message.hpp"
#include "test/sandbox/json_util.hpp"
#include "test/sandbox/provider.hpp"

namespace capsync::sandbox {

struct FreshBooksCallback {
  std::int64_t id = 0;
  std::string event, uri, verifier;
  bool verified = false;
};

// One post FreshBooks sends to a callback's uri: a form body and its signature header (empty
// for the verifier post, which is not signed); `status` is the last answer (0: none yet).
struct FreshBooksOutgoing {
  std::string uri, body, signature;
  int status = 0;
  int attempts = 0;
};

class FreshBooksCallbacks final {
 public:
  explicit FreshBooksCallbacks(SandboxContext& context);
  void clear();
  // `path` is below /events/account/; the account must be `account_id`.
  Response handle(const Request& request, std::string_view path, const std::string& account_id);
  // A change to a record: a signed delivery to each verified callback of `event` ("invoice.update").
  void notify(const std::string& event, std::int64_t object_id, const FreshBooksBusiness& business);
  void dump(JsonWriter& writer) const;

 private:
  void post_verifier(const FreshBooksCallback& callback);
  // Logs the post and, for an http:// uri, hands it to the outbox.
  void send(std::string uri, std::string body, std::string signature);

  SandboxContext& context_;
  std::uint64_t generation_ = 0;  // bumped by clear(): answers to older posts are not logged
  std::mt19937_64 rng_;
  std::vector<FreshBooksCallback> callbacks_;
  std::vector<FreshBooksOutgoing> outbox_;
  std::int64_t next_id_ = 2001;
};

}  // namespace capsync::sandbox
