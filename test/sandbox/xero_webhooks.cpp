#include "test/sandbox/xero_webhooks.hpp"

#include <algorithm>
#include <array>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/stringbuffer.h>

#include "core/encoding/base64.hpp"

namespace capsync::sandbox {

namespace {

Response admin_answer(int status, std::string body) { return json_response(status, std::move(body)); }

std::string sign(std::string_view key, std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), digest.data(), &length);
  return encoding::base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

// Xero's entropy: 20 upper-case letters (the spec's example "FXNGWLCCGVANWHKILRUB").
std::string entropy(std::int64_t n) {
  std::string out;
  std::uint64_t x = static_cast<std::uint64_t>(n) * 0x9E3779B97F4A7C15ULL + 1;
  for (int i = 0; i < 20; ++i) {
    x ^= x >> 13;
    x *= 0xff51afd7ed558ccdULL;
    out += static_cast<char>('A' + x % 26);
  }
  return out;
}

}  // namespace

XeroWebhooks::XeroWebhooks(SandboxContext& context) : context_(context) {
  context_.webhooks.on_tick([this](SteadyTime now) { tick(now); });
}

void XeroWebhooks::send(std::string body, bool good_signature, bool intent) {
  OutboundDelivery d;
  d.source = "xero";
  d.url = url_;
  d.headers = {{"Content-Type", "application/json; charset=utf-8"},
               {"x-xero-signature", sign(good_signature ? key_ : key_ + "-not-the-key", body)}};
  d.body = std::move(body);
  d.backoff = std::max(std::chrono::milliseconds(50), context_.clock.scaled(std::chrono::minutes(1)));
  d.give_up_after = context_.clock.scaled(std::chrono::hours(24));
  const auto generation = generation_;
  if (intent) {
    d.give_up_after = std::chrono::milliseconds(0);  // not retried: the setup fails
    d.on_answer = [this, generation, good_signature](int status, bool) {
      if (generation != generation_) return;
      if (status != (good_signature ? 200 : 401)) itr_failed_ = true;
      if (--itr_pending_ == 0) status_ = itr_failed_ ? "failed" : "on";
    };
  } else {
    d.on_answer = [this, generation](int status, bool final) {
      if (generation != generation_) return;
      if (final && (status < 200 || status >= 300)) status_ = "disabled";
    };
  }
  ++sent_;
  context_.webhooks.push(std::move(d), std::chrono::steady_clock::now());
}

Response XeroWebhooks::admin(const Request& request) {
  if (request.method == "DELETE") {
    ++generation_;
    status_ = "none";
    pending_.clear();
    return admin_answer(200, "{}");
  }
  if (request.method == "POST") {
    auto doc = parse_json(request.body);
    if (!doc || !doc->IsObject()) return admin_answer(400, R"({"error":"body must be a JSON object"})");
    auto url = string_member(*doc, "url");
    auto key = string_member(*doc, "key");
    if (!url || !key || !url->starts_with("http://"))
      return admin_answer(400, R"({"error":"url (http://host:port/path) and key are required"})");
    ++generation_;
    url_ = *url;
    key_ = *key;
    batch_ = std::chrono::milliseconds(int_member(*doc, "batch_ms").value_or(200));
    duplicate_ = bool_member(*doc, "duplicate").value_or(false);
    reverse_ = bool_member(*doc, "reverse").value_or(false);
    drop_ = static_cast<int>(int_member(*doc, "drop").value_or(0));
    pending_.clear();
    itr_failed_ = false;
    if (!bool_member(*doc, "itr").value_or(true)) {
      status_ = "on";
    } else {
      // "A series of HTTPS POST requests", correctly and incorrectly signed.
      status_ = "pending";
      itr_pending_ = 4;
      int n = 0;
      for (bool good : {false, true, false, true}) {
        send(fmt::format(R"({{"events":[],"lastEventSequence":0,"firstEventSequence":0,"entropy":"{}"}})",
                         entropy(++n + static_cast<std::int64_t>(generation_) * 100)),
             good, true);
      }
    }
    return admin_answer(200, fmt::format(R"({{"status":"{}"}})", status_));
  }
  if (request.method == "PATCH") {  // steering without a new setup
    auto doc = parse_json(request.body);
    if (!doc || !doc->IsObject()) return admin_answer(400, R"({"error":"body must be a JSON object"})");
    duplicate_ = bool_member(*doc, "duplicate").value_or(duplicate_);
    reverse_ = bool_member(*doc, "reverse").value_or(reverse_);
    drop_ = static_cast<int>(int_member(*doc, "drop").value_or(drop_));
    return admin_answer(200, "{}");
  }
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("status");
  w.String(status_);
  w.Key("sequence");
  w.Int64(sequence_);
  w.Key("sent");
  w.Int64(sent_);
  w.Key("pending");
  w.Uint64(context_.webhooks.pending());
  w.Key("answers");
  w.StartArray();
  for (const auto& r : context_.webhooks.log()) {
    if (r.source != "xero") continue;
    w.StartObject();
    w.Key("status");
    w.Int(r.status);
    w.Key("attempt");
    w.Int(r.attempt);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return admin_answer(200, std::string(buffer.GetString(), buffer.GetSize()));
}

void XeroWebhooks::changed(const std::string& tenant, std::string_view category, bool created, const std::string& id,
                           TimePoint at) {
  if (status_ != "on") return;  // no webhook, or one that is off: Xero sends nothing
  if (pending_.empty()) first_pending_ = std::chrono::steady_clock::now();
  pending_.push_back({tenant, std::string(category), created ? "CREATE" : "UPDATE", id, at});
}

void XeroWebhooks::tick(SteadyTime now) {
  if (!pending_.empty() && now - first_pending_ >= batch_) flush();
}

void XeroWebhooks::flush() {
  std::vector<Event> events = std::move(pending_);
  pending_.clear();
  if (reverse_) std::reverse(events.begin(), events.end());
  const std::int64_t first = sequence_ + 1;
  sequence_ += static_cast<std::int64_t>(events.size());
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("events");
  w.StartArray();
  for (const auto& e : events) {
    const std::string_view resource = e.category == "CONTACT" ? "Contacts" : "Invoices";
    w.StartObject();
    w.Key("resourceUrl");
    w.String(fmt::format("https://api.xero.com/api.xro/2.0/{}/{}", resource, e.id));
    w.Key("resourceId");
    w.String(e.id);
    w.Key("eventDateUtc");
    w.String(fmt::format("{:%Y-%m-%dT%H:%M:%S}", e.at));  // no zone suffix, milliseconds present
    w.Key("eventType");
    w.String(e.type);
    w.Key("eventCategory");
    w.String(e.category);
    w.Key("tenantId");
    w.String(e.tenant);
    w.Key("tenantType");
    w.String("ORGANISATION");
    w.EndObject();
  }
  w.EndArray();
  w.Key("lastEventSequence");
  w.Int64(sequence_);
  w.Key("firstEventSequence");
  w.Int64(first);
  w.Key("entropy");
  w.String(entropy(sequence_));
  w.EndObject();
  if (drop_ > 0) {
    --drop_;
    return;  // lost on the way
  }
  std::string body(buffer.GetString(), buffer.GetSize());
  if (duplicate_) send(body, true, false);
  send(std::move(body), true, false);
}

}  // namespace capsync::sandbox
