#include "connectors/capsule/rest_hooks.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "connectors/capsule/capsule_connector.hpp"
#include "core/connector/json.hpp"
#include "core/encoding/base64.hpp"

namespace capsync::capsule {

namespace {

namespace json = connector::json;

Result<RestHook> decode_hook(const rapidjson::Value& v) {
  if (!v.IsObject()) return make_error(Errc::protocol, "a REST hook is not an object");
  auto id = json::integer(v, "id");
  if (!id) return id.error();
  if (!*id) return make_error(Errc::protocol, "a REST hook has no 'id'");
  return RestHook{**id, std::string(json::text_or_empty(v, "event")), std::string(json::text_or_empty(v, "targetUrl")),
                  std::string(json::text_or_empty(v, "description"))};
}

}  // namespace

Result<std::vector<RestHook>> parse_rest_hooks_body(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, "restHooks");
  if (list == nullptr) return make_error(Errc::protocol, "no 'restHooks' list");
  std::vector<RestHook> hooks;
  for (const auto& v : list->GetArray()) {
    auto hook = decode_hook(v);
    if (!hook) return hook.error();
    hooks.push_back(std::move(*hook));
  }
  return hooks;
}

Result<RestHook> parse_rest_hook_body(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* hook = json::object(*doc, "restHook");
  if (hook == nullptr) return make_error(Errc::protocol, "no 'restHook' object");
  return decode_hook(*hook);
}

Result<HookDelivery> parse_rest_hook_delivery(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  HookDelivery out;
  out.event = std::string(json::text_or_empty(*doc, "event"));
  if (out.event.empty()) return make_error(Errc::protocol, "a REST hook delivery has no 'event'");
  const auto* payload = json::array(*doc, "payload");
  if (payload == nullptr) return make_error(Errc::protocol, "a REST hook delivery has no 'payload' list");
  for (const auto& record : payload->GetArray()) {
    if (!record.IsObject()) return make_error(Errc::protocol, "a REST hook payload item is not an object");
    auto id = json::integer(record, "id");
    if (!id) return id.error();
    if (*id) out.ids.push_back(**id);
  }
  return out;
}

std::string rest_hook_create_body(const RestHook& hook) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("restHook");
  w.StartObject();
  w.Key("event");
  w.String(hook.event);
  w.Key("targetUrl");
  w.String(hook.target_url);
  w.Key("description");
  w.String(hook.description);
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

std::vector<std::string> rest_hook_events(bool opportunities) {
  std::vector<std::string> events{"party/created", "party/updated", "party/deleted"};
  if (opportunities)
    for (const char* e : {"opportunity/created", "opportunity/updated", "opportunity/deleted", "opportunity/moved"})
      events.emplace_back(e);
  return events;
}

std::string rest_hook_description(std::string_view connection) { return fmt::format("capsync {}", connection); }

std::string rest_hook_token(const Secret& key, std::string_view connection) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const std::string message = fmt::format("capsule-rest-hook:{}", connection);
  const std::string_view k = key.reveal();
  HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &length);
  return encoding::base64url_encode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

bool rest_hook_token_matches(std::string_view presented, std::string_view expected) {
  return presented.size() == expected.size() &&
         CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

boost::asio::awaitable<Result<HookReport>> reconcile_rest_hooks(CapsuleClient& capsule, const HookPlan& plan) {
  auto listed = co_await capsule.list_rest_hooks();
  if (!listed) co_return listed.error();
  HookReport report;
  std::set<std::string> have;
  std::vector<std::int64_t> stale;
  for (const RestHook& hook : *listed) {
    if (hook.description != plan.description) continue;  // another connection's, or another use of the app
    const bool wanted = std::find(plan.events.begin(), plan.events.end(), hook.event) != plan.events.end();
    if (wanted && hook.target_url == plan.target_url && have.insert(hook.event).second) {
      ++report.kept;
    } else {
      stale.push_back(hook.id);
    }
  }
  for (std::int64_t id : stale) {
    if (auto s = co_await capsule.unsubscribe_rest_hook(id); !s && s.error().code() != Errc::not_found)
      co_return s.error();
    ++report.removed;
  }
  for (const std::string& event : plan.events) {
    if (have.contains(event)) continue;
    if (report.slots_full()) {
      report.missing.push_back(event);
      continue;
    }
    // Named, not a temporary in the co_await: GCC 12 destroys such a temporary twice.
    const RestHook wanted{0, event, plan.target_url, plan.description};
    auto made = co_await capsule.subscribe_rest_hook(wanted);
    if (made) {
      ++report.subscribed;
    } else if (made.error().code() == Errc::invalid_argument) {
      // Capsule refuses a hook past the account's 20 with a 422 whose text it does not document.
      report.missing.push_back(event);
    } else {
      co_return made.error();
    }
  }
  co_return report;
}

boost::asio::awaitable<Result<int>> remove_rest_hooks(CapsuleClient& capsule, std::string_view description) {
  auto listed = co_await capsule.list_rest_hooks();
  if (!listed) co_return listed.error();
  int removed = 0;
  for (const RestHook& hook : *listed) {
    if (hook.description != description) continue;
    if (auto s = co_await capsule.unsubscribe_rest_hook(hook.id); !s && s.error().code() != Errc::not_found)
      co_return s.error();
    ++removed;
  }
  co_return removed;
}

}  // namespace capsync::capsule
