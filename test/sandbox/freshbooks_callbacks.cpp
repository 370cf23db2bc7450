#include "test/sandbox/freshbooks_callbacks.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/encoding/base64.hpp"

namespace capsync::sandbox {
namespace {

Response fb_error(int status, int number, std::string_view message) {
  return json_response(status, fmt::format(R"({{"response":{{"errors":[{{"errno":{},"message":"{}","object":"callback"}}]}}}})",
                                           number, message));
}

void write_callback(JsonWriter& w, const FreshBooksCallback& c) {
  w.StartObject();
  w.Key("callbackid");
  w.Int64(c.id);
  w.Key("event");
  w.String(c.event);
  w.Key("uri");
  w.String(c.uri);
  w.Key("verified");
  w.Bool(c.verified);
  w.EndObject();
}

Response one(const FreshBooksCallback& c, int status = 200) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("response");
  w.StartObject();
  w.Key("result");
  w.StartObject();
  w.Key("callback");
  write_callback(w, c);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return json_response(status, buffer.GetString());
}

// The fields as Python's json.dumps renders a dict of ASCII strings (the sandbox's own fields).
std::string python_json(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out = "{";
  for (const auto& [k, v] : fields) out += fmt::format("{}\"{}\": \"{}\"", out.size() > 1 ? ", " : "", k, v);
  return out + "}";
}

}  // namespace

FreshBooksCallbacks::FreshBooksCallbacks(SandboxContext& context) : context_(context), rng_(std::random_device{}()) {}

void FreshBooksCallbacks::clear() {
  callbacks_.clear();
  outbox_.clear();
  next_id_ = 2001;
  ++generation_;
}

void FreshBooksCallbacks::send(std::string uri, std::string body, std::string signature) {
  outbox_.push_back({uri, body, signature});
  if (!uri.starts_with("http://")) return;
  OutboundDelivery d;
  d.source = "freshbooks";
  d.url = std::move(uri);
  d.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  if (!signature.empty()) d.headers.emplace_back("X-FreshBooks-Hmac-SHA256", std::move(signature));
  d.body = std::move(body);
  d.backoff = std::max(std::chrono::milliseconds(50), context_.clock.scaled(std::chrono::minutes(1)));
  d.give_up_after = context_.clock.scaled(std::chrono::hours(24));
  d.on_answer = [this, generation = generation_, index = outbox_.size() - 1](int status, bool) {
    if (generation != generation_) return;
    outbox_[index].status = status;
    ++outbox_[index].attempts;
  };
  context_.webhooks.push(std::move(d), std::chrono::steady_clock::now());
}

void FreshBooksCallbacks::post_verifier(const FreshBooksCallback& c) {
  send(c.uri, fmt::format("name=callback.verify&object_id={}&verifier={}", c.id, c.verifier), "");
}

void FreshBooksCallbacks::notify(const std::string& event, std::int64_t object_id, const FreshBooksBusiness& business) {
  for (const auto& c : callbacks_) {
    if (!c.verified || c.event != event) continue;
    const std::vector<std::pair<std::string, std::string>> fields{
        {"name", event},
        {"object_id", std::to_string(object_id)},
        {"account_id", business.account_id},
        {"business_id", std::to_string(business.id)},
        {"identity_id", "712052"},  // the sandbox's one user (users/me)
        {"user_id", "1"}};
    std::string body;
    for (const auto& [k, v] : fields) body += fmt::format("{}{}={}", body.empty() ? "" : "&", k, url_encode(v));
    const std::string message = python_json(fields);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), c.verifier.data(), static_cast<int>(c.verifier.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
    send(c.uri, body, encoding::base64_encode(std::string_view(reinterpret_cast<const char*>(mac), length)));
  }
}

Response FreshBooksCallbacks::handle(const Request& request, std::string_view path, const std::string& account_id) {
  const auto slash = path.find('/');
  if (path.substr(0, slash) != account_id)
    return fb_error(403, 1003, "The server could not verify that you are authorized to access the URL requested.");
  std::string_view rest = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  constexpr std::string_view kBase = "events/callbacks";
  if (!rest.starts_with(kBase)) return fb_error(404, 404, "Not found.");
  rest.remove_prefix(kBase.size());
  if (rest.empty() || rest == "/") {
    if (request.method == "GET") {
      rapidjson::StringBuffer buffer;
      JsonWriter w(buffer);
      w.StartObject();
      w.Key("response");
      w.StartObject();
      w.Key("result");
      w.StartObject();
      w.Key("callbacks");
      w.StartArray();
      for (const auto& c : callbacks_) write_callback(w, c);
      w.EndArray();
      for (const char* key : {"page", "pages"}) {
        w.Key(key);
        w.Int(1);
      }
      w.Key("per_page");
      w.Int(100);
      w.Key("total");
      w.Int64(static_cast<std::int64_t>(callbacks_.size()));
      w.EndObject();
      w.EndObject();
      w.EndObject();
      return json_response(200, buffer.GetString());
    }
    if (request.method != "POST") return fb_error(405, 405, "Method not allowed.");
    auto body = parse_json(request.body);
    const rapidjson::Value* input = body ? member(*body, "callback") : nullptr;
    const auto event = input ? string_member(*input, "event") : std::nullopt;
    const auto uri = input ? string_member(*input, "uri") : std::nullopt;
    if (!event || event->empty()) return fb_error(422, 1001, "event is required");
    if (!uri || (!uri->starts_with("http://") && !uri->starts_with("https://"))) return fb_error(422, 1001, "uri is invalid");
    FreshBooksCallback c{next_id_++, *event, *uri, fmt::format("{:016x}{:016x}", rng_(), rng_()), false};
    callbacks_.push_back(c);
    post_verifier(c);
    return one(c);
  }
  std::int64_t id = 0;
  const std::string_view digits = rest.substr(1);
  if (std::from_chars(digits.data(), digits.data() + digits.size(), id).ptr != digits.data() + digits.size())
    return fb_error(404, 404, "Not found.");
  auto it = std::find_if(callbacks_.begin(), callbacks_.end(), [&](const auto& c) { return c.id == id; });
  if (it == callbacks_.end()) return fb_error(404, 1012, "Callback not found.");
  if (request.method == "GET") return one(*it);
  if (request.method == "DELETE") {
    callbacks_.erase(it);
    Response response;
    response.status = 204;
    return response;
  }
  if (request.method != "PUT") return fb_error(405, 405, "Method not allowed.");
  auto body = parse_json(request.body);
  const rapidjson::Value* input = body ? member(*body, "callback") : nullptr;
  if (input == nullptr) return fb_error(400, 1001, "body must be {\"callback\":{…}}");
  if (auto verifier = string_member(*input, "verifier")) {
    if (*verifier != it->verifier) return fb_error(422, 1001, "The verifier is invalid.");
    it->verified = true;
    return one(*it);
  }
  if (bool_member(*input, "resend") == true) {
    post_verifier(*it);
    return one(*it);
  }
  return fb_error(422, 1001, "verifier or resend is required");
}

void FreshBooksCallbacks::dump(JsonWriter& w) const {
  w.StartObject();
  w.Key("registered");
  w.StartArray();
  for (const auto& c : callbacks_) write_callback(w, c);
  w.EndArray();
  w.Key("outbox");
  w.StartArray();
  for (const auto& o : outbox_) {
    w.StartObject();
    w.Key("uri");
    w.String(o.uri);
    w.Key("body");
    w.String(o.body);
    w.Key("signature");
    w.String(o.signature);
    w.Key("status");
    w.Int(o.status);
    w.Key("attempts");
    w.Int(o.attempts);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace capsync::sandbox
