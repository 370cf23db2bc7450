#pragma once
// FreshBooks callbacks of one connection (R25), through the API
// (https://www.freshbooks.com/api/webhooks; paths as the official SDK's events.py):
//   GET/POST /events/account/{account_id}/events/callbacks, PUT/DELETE …/callbacks/{id}.
// A registered callback stays inactive until the verifier FreshBooks posts to its URI is PUT
// back; the verifier is then the key of every delivery's signature (callback_signature.hpp).

#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "connectors/freshbooks/freshbooks_connector.hpp"
#include "core/connector/oauth_api.hpp"
#include "core/secret/secret.hpp"

namespace capsync::freshbooks {

struct Callback {
  std::int64_t id = 0;
  std::string event;  // "invoice.update"
  std::string uri;
  bool verified = false;
};

// What a connection registers: client, invoice and estimate events.
std::vector<std::string> callback_events();

struct CallbackReport {
  int kept = 0, registered = 0, removed = 0;
};

class Callbacks final {
 public:
  // `account_id` is the business's (connector::Tenant::id of the FreshBooks connector).
  Callbacks(connector::HttpSender& http, connector::TokenSource& tokens, const FreshBooksSettings& settings,
            std::string account_id);

  boost::asio::awaitable<Result<std::vector<Callback>>> list();
  // Registers one; FreshBooks then posts its verifier to `uri`.
  boost::asio::awaitable<Result<Callback>> add(const std::string& event, const std::string& uri);
  // Completes the handshake with the verifier FreshBooks posted.
  boost::asio::awaitable<Result<Callback>> verify(std::int64_t id, const Secret& verifier);
  // Asks FreshBooks to post the verifier again (an unverified callback at start).
  boost::asio::awaitable<Status> resend(std::int64_t id);
  boost::asio::awaitable<Status> remove(std::int64_t id);

  // One callback per event at `uri`: matching ones kept, the connection's others at `uri_prefix`
  // (an old URI, a duplicate, an unverified one left from a crash) removed, the missing
  // registered. Callbacks of other URIs are left alone.
  boost::asio::awaitable<Result<CallbackReport>> reconcile(const std::vector<std::string>& events,
                                                           const std::string& uri, const std::string& uri_prefix);
  // Removes every callback whose URI starts with `uri_prefix` (disable); returns how many.
  boost::asio::awaitable<Result<int>> remove_all(const std::string& uri_prefix);

 private:
  std::string path(std::string_view rest = {}) const;
  boost::asio::awaitable<Result<Callback>> write(http::Method method, std::string path, std::string body,
                                                 std::string what);

  connector::OAuthApi api_;
  std::string account_id_;
};

}  // namespace capsync::freshbooks
