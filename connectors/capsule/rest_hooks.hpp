#pragma once
// Capsule REST hooks of one connection (R26): which are capsync's, what to subscribe, what to
// remove, and the unguessable token in their target URL. Capsule manages hooks only for
// registered apps, lists only the calling app's (GET /resthooks) and allows 20 per account,
// all apps together (https://developer.capsulecrm.com/v2/overview/avoid-polling-with-rest-hooks).
// Capsule signs nothing: the token in the target URL is what tells a delivery is real.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error/result.hpp"
#include "core/secret/secret.hpp"

namespace capsync::capsule {

class CapsuleClient;

struct RestHook {
  std::int64_t id = 0;
  std::string event;  // "party/updated"
  std::string target_url;
  std::string description;
};

// What one connection wants subscribed. Its hooks carry `description` ("capsync <connection>"),
// so connections of one app on one Capsule account (R28) never touch each other's.
struct HookPlan {
  std::vector<std::string> events;
  std::string target_url;
  std::string description;
};

struct HookReport {
  int kept = 0, subscribed = 0, removed = 0;
  std::vector<std::string> missing;  // events left unsubscribed: the account's 20 slots are full
  bool slots_full() const { return !missing.empty(); }
};

// GET /resthooks → {"restHooks":[…]}; POST and GET by id → {"restHook":{…}}.
Result<std::vector<RestHook>> parse_rest_hooks_body(std::string_view body);
Result<RestHook> parse_rest_hook_body(std::string_view body);
// {"restHook":{"event","targetUrl","description"}}.
std::string rest_hook_create_body(const RestHook& hook);

// A delivery: {"event":"party/updated","payload":[{…},…]} (the payload is an array). Only the
// event and the records' ids are read: a hint, re-read through the API (R23).
struct HookDelivery {
  std::string event;
  std::vector<std::int64_t> ids;
};
Result<HookDelivery> parse_rest_hook_delivery(std::string_view body);

// The events of a connection: parties always, opportunities when it has quotes on.
std::vector<std::string> rest_hook_events(bool opportunities);
// "capsync <connection>": how capsync's hooks of a connection are told apart.
std::string rest_hook_description(std::string_view connection);

// The connection's secret path segment: base64url(HMAC-SHA256(key, connection)), with the
// registered app's client secret as key, so it survives restarts without being stored and
// nobody without the secret can guess it.
std::string rest_hook_token(const Secret& key, std::string_view connection);
// Compares a presented token with the expected one in constant time.
bool rest_hook_token_matches(std::string_view presented, std::string_view expected);

// Makes Capsule hold exactly one hook per wanted event for the plan: keeps the ones that
// match, removes the connection's stale ones (other events, an old target URL, duplicates)
// before subscribing the missing ones, so it never takes more slots than it needs. Full slots
// are reported in the result, not as an error.
boost::asio::awaitable<Result<HookReport>> reconcile_rest_hooks(CapsuleClient& capsule, const HookPlan& plan);
// Removes every hook of the connection (disable); returns how many.
boost::asio::awaitable<Result<int>> remove_rest_hooks(CapsuleClient& capsule, std::string_view description);

}  // namespace capsync::capsule
