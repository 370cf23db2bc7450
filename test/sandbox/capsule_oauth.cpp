#include "test/sandbox/capsule_oauth.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "test/sandbox/json_util.hpp"

namespace capsync::sandbox {
namespace {

constexpr auto kAccessLifetime = std::chrono::hours(24 * 7);
constexpr auto kCodeLifetime = std::chrono::minutes(5);
constexpr std::string_view kDefaultScope = "read write";

Response oauth_error(int status, std::string_view error, std::string_view description) {
  return json_response(status, fmt::format(R"({{"error":"{}","error_description":"{}"}})", error, description));
}

}  // namespace

CapsuleOAuth::CapsuleOAuth(SandboxContext& context, CapsuleState& state)
    : context_(context), state_(state), rng_(std::random_device{}()) {}

std::string CapsuleOAuth::random_token() {
  return fmt::format("{:016x}{:016x}{:016x}", rng_(), rng_(), rng_());
}

void CapsuleOAuth::load_seed(const rapidjson::Value& section) {
  clients_.clear();
  codes_.clear();
  refresh_.clear();
  if (!section.IsObject()) return;
  if (const auto* list = member(section, "clients"); list && list->IsArray()) {
    for (const auto& c : list->GetArray()) {
      Client client{string_member(c, "client_secret").value_or(""), {}};
      if (const auto* uris = member(c, "redirect_uris"); uris && uris->IsArray())
        for (const auto& u : uris->GetArray())
          if (u.IsString()) client.redirect_uris.emplace_back(u.GetString());
      clients_[string_member(c, "client_id").value_or("")] = std::move(client);
    }
  }
}

std::string CapsuleOAuth::issue(const std::string& client_id, const std::string& scope) {
  const auto lifetime = context_.clock.credential_lifetime(kAccessLifetime);
  const std::string access = random_token();
  const std::string refresh = random_token();
  const std::int64_t admin = state_.users.Empty() ? 0 : int_member(state_.users[0], "id").value_or(0);
  state_.tokens[access] = admin;
  state_.app_tokens[access] = CapsuleAppToken{client_id, context_.clock.now() + lifetime};
  refresh_[refresh] = Refresh{client_id, scope};
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
  writer.Key("scope");
  writer.String(scope);
  writer.Key("subdomain");
  writer.String("sandbox");
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response CapsuleOAuth::token(const Request& request) {
  if (request.method != "POST") return oauth_error(405, "invalid_request", "The token endpoint only accepts POST");
  std::map<std::string, std::string> fields;
  for (auto& [k, v] : parse_form(request.body)) fields.emplace(k, v);
  auto field = [&](const std::string& key) {
    auto it = fields.find(key);
    return it == fields.end() ? std::string() : it->second;
  };
  auto client = clients_.find(field("client_id"));
  if (client == clients_.end() || client->second.secret != field("client_secret"))
    return oauth_error(401, "invalid_client", "Client authentication failed");
  const std::string& client_id = client->first;
  const std::string grant = field("grant_type");
  if (grant == "authorization_code") {
    auto code = codes_.find(field("code"));
    if (code == codes_.end() || code->second.client_id != client_id || code->second.expires_at <= context_.clock.now() ||
        code->second.redirect_uri != field("redirect_uri"))
      return oauth_error(400, "invalid_grant", "The authorization code is invalid or has expired");
    const std::string scope = code->second.scope;
    codes_.erase(code);
    return json_response(200, issue(client_id, scope));
  }
  if (grant == "refresh_token") {
    auto it = refresh_.find(field("refresh_token"));
    if (it == refresh_.end() || it->second.client_id != client_id)
      return oauth_error(400, "invalid_grant", "The refresh token is invalid");
    const std::string scope = it->second.scope;
    refresh_.erase(it);
    return json_response(200, issue(client_id, scope));
  }
  return oauth_error(400, "unsupported_grant_type", "The authorization grant type is not supported");
}

Response CapsuleOAuth::authorize(const Request& request) {
  const auto client_id = request.param("client_id").value_or("");
  const auto redirect = request.param("redirect_uri").value_or("");
  auto client = clients_.find(client_id);
  bool redirect_ok = !redirect.empty();
  if (client != clients_.end() && !client->second.redirect_uris.empty()) {
    const auto& uris = client->second.redirect_uris;
    redirect_ok = redirect_ok && std::find(uris.begin(), uris.end(), redirect) != uris.end();
  }
  if (client == clients_.end() || !redirect_ok || request.param("response_type").value_or("") != "code") {
    Response bad;
    bad.status = 400;
    bad.body = "Invalid client_id or redirect_uri";
    bad.set_header("Content-Type", "text/plain");
    return bad;
  }
  const std::string code = random_token();
  codes_[code] = Code{client_id, redirect, request.param("scope").value_or(std::string(kDefaultScope)),
                      context_.clock.now() + context_.clock.credential_lifetime(kCodeLifetime)};
  std::string location = redirect + (redirect.find('?') == std::string::npos ? "?" : "&") + "code=" + url_encode(code);
  if (auto state = request.param("state")) location += "&state=" + url_encode(*state);
  Response response;
  response.status = 302;
  response.set_header("Location", location);
  return response;
}

}  // namespace capsync::sandbox
