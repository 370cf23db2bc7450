#include "test/sandbox/freeagent_identity.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/encoding/base64.hpp"
#include "test/sandbox/json_util.hpp"
#include "test/sandbox/xero_identity.hpp"

namespace capsync::sandbox {
namespace {

constexpr auto kAccessLifetime = std::chrono::seconds(3600);
constexpr auto kRefreshLifetime = std::chrono::seconds(631151957);  // refresh_token_expires_in, ~20 years
constexpr auto kCodeLifetime = std::chrono::minutes(15);
constexpr int kRefreshesPerMinute = 15;

Response oauth_error(int status, std::string_view error, std::string_view description) {
  return json_response(status, fmt::format(R"({{"error":"{}","error_description":"{}"}})", error, description));
}

}  // namespace

FreeAgentIdentity::FreeAgentIdentity(SandboxContext& context) : context_(context), rng_(std::random_device{}()) {}

std::string FreeAgentIdentity::random_token() {
  std::string raw(30, '\0');
  for (char& c : raw) c = static_cast<char>(rng_() & 0xff);
  return "1" + encoding::base64url_encode(raw);
}

void FreeAgentIdentity::load_seed(const rapidjson::Value& section) {
  clients_.clear();
  codes_.clear();
  refresh_.clear();
  access_.clear();
  refreshes_in_window_ = 0;
  if (!section.IsObject()) return;
  auto now = context_.clock.now();
  if (const auto* list = member(section, "clients"); list && list->IsArray()) {
    for (const auto& c : list->GetArray()) {
      Client client{string_member(c, "client_secret").value_or(""), {}};
      if (const auto* uris = member(c, "redirect_uris"); uris && uris->IsArray())
        for (const auto& u : uris->GetArray())
          if (u.IsString()) client.redirect_uris.emplace_back(u.GetString());
      clients_[string_member(c, "client_id").value_or("")] = std::move(client);
    }
  }
  if (const auto* list = member(section, "refreshTokens"); list && list->IsArray()) {
    for (const auto& r : list->GetArray()) {
      Refresh refresh;
      refresh.client_id = string_member(r, "client_id").value_or(clients_.empty() ? "" : clients_.begin()->first);
      refresh.expires_at = now + context_.clock.scaled(kRefreshLifetime);
      refresh_[r.IsString() ? r.GetString() : string_member(r, "token").value_or("")] = std::move(refresh);
    }
  }
}

const FreeAgentAccessToken* FreeAgentIdentity::find_access_token(const Request& request) const {
  const std::string* auth = request.header("authorization");
  if (auth == nullptr || !auth->starts_with("Bearer ")) return nullptr;
  auto it = access_.find(auth->substr(7));
  return it == access_.end() ? nullptr : &it->second;
}

std::string FreeAgentIdentity::issue(const std::string& client_id) {
  auto now = context_.clock.now();
  auto lifetime = context_.clock.credential_lifetime(kAccessLifetime);
  std::string access = random_token();
  std::string refresh = random_token();
  access_[access] = FreeAgentAccessToken{client_id, now + lifetime};
  refresh_[refresh] = Refresh{client_id, now + context_.clock.scaled(kRefreshLifetime), {}, false};
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("access_token");
  writer.String(access);
  writer.Key("token_type");
  writer.String("bearer");
  writer.Key("expires_in");
  writer.Int64(SandboxClock::ceil_seconds(lifetime));
  writer.Key("refresh_token");
  writer.String(refresh);
  writer.Key("refresh_token_expires_in");
  writer.Int64(SandboxClock::ceil_seconds(context_.clock.scaled(kRefreshLifetime)));
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response FreeAgentIdentity::token(const Request& request) {
  if (request.method != "POST") return oauth_error(405, "invalid_request", "The token endpoint only accepts POST");
  auto form = parse_form(request.body);
  auto field = [&](std::string_view key) -> std::string {
    for (auto& [k, v] : form)
      if (k == key) return v;
    return {};
  };
  std::string client_id = field("client_id"), secret = field("client_secret");
  if (const auto* auth = request.header("authorization"); auth && auth->starts_with("Basic ")) {
    auto decoded = encoding::base64_decode(auth->substr(6));
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return oauth_error(401, "invalid_client", "Client authentication failed");
    client_id = url_decode(decoded->substr(0, colon));
    secret = url_decode(decoded->substr(colon + 1));
  }
  auto client = clients_.find(client_id);
  if (client == clients_.end() || client->second.secret != secret)
    return oauth_error(401, "invalid_client", "Client authentication failed");
  auto now = context_.clock.now();
  std::string grant = field("grant_type");
  if (grant == "authorization_code") {
    auto code = codes_.find(field("code"));
    if (code == codes_.end() || code->second.client_id != client_id || code->second.expires_at <= now ||
        (!code->second.redirect_uri.empty() && code->second.redirect_uri != field("redirect_uri")))
      return oauth_error(400, "invalid_grant", "The provided authorization grant is invalid, expired or revoked");
    codes_.erase(code);  // single use
    return json_response(200, issue(client_id));
  }
  if (grant == "refresh_token") {
    auto window = context_.clock.scaled(std::chrono::minutes(1));
    if (now >= refresh_window_start_ + window) {
      refresh_window_start_ = now;
      refreshes_in_window_ = 0;
    }
    if (refreshes_in_window_ >= kRefreshesPerMinute) {
      Response limited;
      limited.status = 429;
      limited.set_header("Retry-After",
                         std::to_string(SandboxClock::ceil_seconds(refresh_window_start_ + window - now)));
      limited.set_header("Content-Type", "text/plain");
      limited.body = fmt::format("You must not exceed {} requests per 60 seconds", kRefreshesPerMinute);
      return limited;
    }
    ++refreshes_in_window_;
    auto it = refresh_.find(field("refresh_token"));
    if (it == refresh_.end() || it->second.client_id != client_id || it->second.expires_at <= now)
      return oauth_error(400, "invalid_grant", "The provided authorization grant is invalid, expired or revoked");
    Refresh& presented = it->second;
    if (!presented.successor.empty()) {
      auto successor = refresh_.find(presented.successor);
      if (successor != refresh_.end() && successor->second.used)
        return oauth_error(400, "invalid_grant", "The provided authorization grant is invalid, expired or revoked");
      if (successor != refresh_.end()) refresh_.erase(successor);
    }
    presented.used = true;
    std::string body = issue(client_id);
    presented.successor = string_member(*parse_json(body), "refresh_token").value_or("");
    return json_response(200, body);
  }
  return oauth_error(400, "unsupported_grant_type", "The authorization grant type is not supported");
}

Response FreeAgentIdentity::approve_app(const Request& request) {
  auto client_id = request.param("client_id").value_or("");
  auto redirect = request.param("redirect_uri").value_or("");
  auto client = clients_.find(client_id);
  auto refuse = [](std::string_view why) {
    Response bad;
    bad.status = 400;
    bad.body = fmt::format("The OAuth request was not valid: {}", why);
    bad.set_header("Content-Type", "text/plain");
    return bad;
  };
  if (client == clients_.end()) return refuse("unknown client_id");
  if (request.param("response_type").value_or("") != "code") return refuse("response_type must be code");
  auto& uris = client->second.redirect_uris;
  if (redirect.empty() || (!uris.empty() && std::find(uris.begin(), uris.end(), redirect) == uris.end()))
    return refuse("redirect_uri is not registered for this app");
  std::string code = random_token();
  codes_[code] = Code{client_id, redirect, context_.clock.now() + context_.clock.credential_lifetime(kCodeLifetime)};
  std::string location = redirect + (redirect.find('?') == std::string::npos ? "?" : "&") + "code=" + url_encode(code);
  if (auto state = request.param("state")) location += "&state=" + url_encode(*state);
  Response response;
  response.status = 302;
  response.set_header("Location", location);
  return response;
}

}  // namespace capsync::sandbox
