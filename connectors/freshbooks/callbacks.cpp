#include "connectors/freshbooks/callbacks.hpp"

#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "connectors/freshbooks/envelope.hpp"
#include "connectors/freshbooks/errors.hpp"
#include "core/connector/json.hpp"

namespace capsync::freshbooks {

namespace asio = boost::asio;
namespace json = connector::json;

namespace {

Result<Callback> decode(const rapidjson::Value& v) {
  if (!v.IsObject()) return make_error(Errc::protocol, "a callback is not an object");
  auto id = json::integer(v, "callbackid");
  if (!id) return id.error();
  if (!*id) return make_error(Errc::protocol, "a callback has no 'callbackid'");
  const auto verified = v.FindMember("verified");
  return Callback{**id, std::string(json::text_or_empty(v, "event")), std::string(json::text_or_empty(v, "uri")),
                  verified != v.MemberEnd() && verified->value.IsBool() && verified->value.GetBool()};
}

// {"callback":{key: value}} with a string or a boolean value.
template <typename Fill>
std::string callback_body(Fill fill) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("callback");
  w.StartObject();
  fill(w);
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

}  // namespace

std::vector<std::string> callback_events() {
  std::vector<std::string> events;
  for (const char* noun : {"client", "invoice", "estimate"})
    for (const char* verb : {"create", "update", "delete"}) events.push_back(std::string(noun) + "." + verb);
  return events;
}

Callbacks::Callbacks(connector::HttpSender& http, connector::TokenSource& tokens, const FreshBooksSettings& settings,
                     std::string account_id)
    : api_(http, tokens, connector::oauth_api_settings("FreshBooks", settings, &map_error)),
      account_id_(std::move(account_id)) {}

Callbacks FreshBooksConnector::callbacks(std::string account_id) {
  return Callbacks(http_, tokens_, settings_, std::move(account_id));
}

std::string Callbacks::path(std::string_view rest) const {
  return fmt::format("/events/account/{}/events/callbacks{}", account_id_, rest);
}

asio::awaitable<Result<std::vector<Callback>>> Callbacks::list() {
  std::vector<Callback> out;
  for (std::int64_t page = 1;; ++page) {
    auto response = co_await api_.get_ok(path(fmt::format("?page={}&per_page=100", page)), "the callbacks list");
    if (!response) co_return response.error();
    auto doc = json::parse(response->body);
    if (!doc) co_return doc.error().with_context("FreshBooks returned a malformed callbacks list");
    auto result = result_of(*doc);
    if (!result) co_return result.error();
    const auto* items = json::array(**result, "callbacks");
    if (items == nullptr) co_return make_error(Errc::protocol, "FreshBooks returned a callbacks list without 'callbacks'");
    for (const auto& v : items->GetArray()) {
      auto callback = decode(v);
      if (!callback) co_return callback.error().with_context("FreshBooks returned a malformed callback");
      out.push_back(std::move(*callback));
    }
    auto paging = paging_of(**result);
    if (!paging) co_return paging.error();
    if (paging->page >= paging->pages) break;
  }
  co_return out;
}

asio::awaitable<Result<Callback>> Callbacks::write(http::Method method, std::string target, std::string body,
                                                   std::string what) {
  auto r = api_.request(method, std::move(target));
  r.body = std::move(body);
  r.content_type = "application/json";
  auto response = co_await api_.call_ok(std::move(r), "send", what);
  if (!response) co_return response.error();
  auto doc = json::parse(response->body);
  if (!doc) co_return doc.error().with_context(fmt::format("FreshBooks returned a malformed answer for {}", what));
  auto result = result_of(*doc);
  if (!result) co_return result.error();
  const auto* callback = json::object(**result, "callback");
  if (callback == nullptr) co_return make_error(Errc::protocol, "FreshBooks answered {} without 'callback'", what);
  co_return decode(*callback);
}

asio::awaitable<Result<Callback>> Callbacks::add(const std::string& event, const std::string& uri) {
  co_return co_await write(http::Method::post, path(), callback_body([&](auto& w) {
                             w.Key("event");
                             w.String(event);
                             w.Key("uri");
                             w.String(uri);
                           }),
                           fmt::format("the {} callback", event));
}

asio::awaitable<Result<Callback>> Callbacks::verify(std::int64_t id, const Secret& verifier) {
  const std::string_view code = verifier.reveal();
  co_return co_await write(http::Method::put, path(fmt::format("/{}", id)), callback_body([&](auto& w) {
                             w.Key("verifier");
                             w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
                           }),
                           fmt::format("the verification of callback {}", id));
}

asio::awaitable<Status> Callbacks::resend(std::int64_t id) {
  auto sent = co_await write(http::Method::put, path(fmt::format("/{}", id)), callback_body([](auto& w) {
                               w.Key("resend");
                               w.Bool(true);
                             }),
                             fmt::format("the verifier resend of callback {}", id));
  if (!sent) co_return sent.error();
  co_return Status{};
}

asio::awaitable<Status> Callbacks::remove(std::int64_t id) {
  auto r = api_.request(http::Method::del, path(fmt::format("/{}", id)));
  r.retry_safe = true;
  auto response = co_await api_.call_ok(std::move(r), "delete", fmt::format("callback {}", id));
  if (!response && response.error().code() != Errc::not_found) co_return response.error();
  co_return Status{};
}

asio::awaitable<Result<CallbackReport>> Callbacks::reconcile(const std::vector<std::string>& events,
                                                             const std::string& uri, const std::string& uri_prefix) {
  auto listed = co_await list();
  if (!listed) co_return listed.error();
  CallbackReport report;
  std::set<std::string> have;
  for (const Callback& c : *listed) {
    if (!c.uri.starts_with(uri_prefix)) continue;  // not this connection's
    const bool wanted = std::find(events.begin(), events.end(), c.event) != events.end();
    if (wanted && c.uri == uri && c.verified && have.insert(c.event).second) {
      ++report.kept;
      continue;
    }
    if (auto s = co_await remove(c.id); !s) co_return s.error();
    ++report.removed;
  }
  for (const std::string& event : events) {
    if (have.contains(event)) continue;
    auto added = co_await add(event, uri);
    if (!added) co_return added.error();
    ++report.registered;
  }
  co_return report;
}

asio::awaitable<Result<int>> Callbacks::remove_all(const std::string& uri_prefix) {
  auto listed = co_await list();
  if (!listed) co_return listed.error();
  int removed = 0;
  for (const Callback& c : *listed) {
    if (!c.uri.starts_with(uri_prefix)) continue;
    if (auto s = co_await remove(c.id); !s) co_return s.error();
    ++removed;
  }
  co_return removed;
}

}  // namespace capsync::freshbooks
