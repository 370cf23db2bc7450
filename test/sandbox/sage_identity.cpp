#include "test/sandbox/sage_identity.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace capsync::sandbox {
namespace {

constexpr auto kAccessLifetime = std::chrono::seconds(300);
constexpr auto kRefreshLifetime = std::chrono::hours(24 * 31);
constexpr auto kCodeLifetime = std::chrono::seconds(60);
constexpr std::string_view kDefaultScope = "full_access";

Response oauth_error(int status, std::string_view error) {
  return json_response(status, fmt::format("{{\"error\":\"{}\"}}", error));
}

}  // namespace

SageIdentity::SageIdentity(SandboxContext& context) : context_(context), rng_(std::random_device{}()) {}

std::string SageIdentity::random_token() {
  return fmt::format("{:016x}{:016x}{:016x}", rng_(), rng_(), rng_());
}

void SageIdentity::load_seed(const rapidjson::Value& section) {
  clients_.clear();
  codes_.clear();
  refresh_.clear();
  access_.clear();
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
      refresh.scope = string_member(r, "scope").value_or(std::string(kDefaultScope));
      refresh.expires_at = now + context_.clock.scaled(kRefreshLifetime);
      refresh_[r.IsString() ? r.GetString() : string_member(r, "token").value_or("")] = std::move(refresh);
    }
  }
}

SageIdentity::TokenState SageIdentity::check(const Request& request) const {
  const std::string* auth = request.header("authorization");
  if (auth == nullptr || !auth->starts_with("Bearer ")) return TokenState::unknown;
  auto it = access_.find(auth->substr(7));
  if (it == access_.end()) return TokenState::unknown;
  return it->second <= context_.clock.now() ? TokenState::expired : TokenState::live;
}

std::string SageIdentity::issue(const std::string& client_id, const std::string& scope) {
  auto now = context_.clock.now();
  auto lifetime = context_.clock.credential_lifetime(kAccessLifetime);
  auto refresh_lifetime = context_.clock.scaled(kRefreshLifetime);
  std::string access = random_token();
  std::string refresh = random_token();
  access_[access] = now + lifetime;
  refresh_[refresh] = Refresh{client_id, scope, now + refresh_lifetime};
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("access_token");
  writer.String(access);
  writer.Key("scope");
  writer.String(scope);
  writer.Key("token_type");
  writer.String("bearer");
  writer.Key("expires_in");
  writer.Int64(SandboxClock::ceil_seconds(lifetime));
  writer.Key("refresh_token");
  writer.String(refresh);
  writer.Key("refresh_token_expires_in");
  writer.Int64(SandboxClock::ceil_seconds(refresh_lifetime));
  writer.Key("requested_by_id");
  writer.String("1b2c3d4e5f60718293a4b5c6d7e8f901");
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response SageIdentity::token(const Request& request) {
  if (request.method != "POST") return oauth_error(405, "invalid_request");
  auto form = parse_form(request.body);
  auto field = [&](std::string_view key) -> std::string {
    for (auto& [k, v] : form)
      if (k == key) return v;
    return {};
  };
  auto client = clients_.find(field("client_id"));
  if (client == clients_.end() || client->second.secret != field("client_secret"))
    return oauth_error(401, "invalid_client");
  const std::string& client_id = client->first;
  auto now = context_.clock.now();
  std::string grant = field("grant_type");
  if (grant == "authorization_code") {
    auto code = codes_.find(field("code"));
    if (code == codes_.end() || code->second.client_id != client_id || code->second.expires_at <= now ||
        code->second.redirect_uri != field("redirect_uri"))
      return oauth_error(400, "invalid_grant");
    std::string scope = code->second.scope;
    codes_.erase(code);
    return json_response(200, issue(client_id, scope));
  }
  if (grant == "refresh_token") {
    auto it = refresh_.find(field("refresh_token"));
    if (it == refresh_.end() || it->second.client_id != client_id || it->second.expires_at <= now)
      return oauth_error(400, "invalid_grant");
    std::string scope = it->second.scope;
    refresh_.erase(it);  // single use: the new token replaces it
    return json_response(200, issue(client_id, scope));
  }
  return oauth_error(400, "unsupported_grant_type");
}

Response SageIdentity::authorize(const Request& request) {
  auto client_id = request.param("client_id").value_or("");
  auto redirect = request.param("redirect_uri").value_or("");
  auto client = clients_.find(client_id);
  bool redirect_ok = !redirect.empty();
  if (client != clients_.end() && !client->second.redirect_uris.empty()) {
    const auto& uris = client->second.redirect_uris;
    redirect_ok = redirect_ok && std::find(uris.begin(), uris.end(), redirect) != uris.end();
  }
  if (client == clients_.end() || !redirect_ok || request.param("response_type").value_or("") != "code") {
    Response bad;
    bad.status = 400;
    bad.body = "The redirect_uri or client_id is invalid";
    bad.set_header("Content-Type", "text/plain");
    return bad;
  }
  std::string code = random_token();
  codes_[code] = Code{client_id, redirect, request.param("scope").value_or(std::string(kDefaultScope)),
                      context_.clock.now() + context_.clock.credential_lifetime(kCodeLifetime)};
  std::string location = redirect + (redirect.find('?') == std::string::npos ? "?" : "&") + "code=" + url_encode(code);
  if (auto state = request.param("state")) location += "&state=" + url_encode(*state);
  location += "&country=gb";
  Response response;
  response.status = 302;
  response.set_header("Location", location);
  return response;
}

}  // namespace capsync::sandbox
