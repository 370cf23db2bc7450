#include "test/sandbox/freshbooks_identity.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "test/sandbox/json_util.hpp"

namespace capsync::sandbox {
namespace {

constexpr auto kAccessLifetime = std::chrono::hours(12);
constexpr auto kCodeLifetime = std::chrono::minutes(5);
constexpr std::string_view kDefaultScope =
    "user:profile:read user:clients:read user:clients:write user:invoices:read user:invoices:write";

Response oauth_error(int status, std::string_view error, std::string_view description) {
  return json_response(status, fmt::format(R"({{"error":"{}","error_description":"{}"}})", error, description));
}

// The token request's fields, from a form or a JSON object body.
std::map<std::string, std::string> token_fields(const Request& request) {
  std::map<std::string, std::string> out;
  const std::string* type = request.header("content-type");
  if (type != nullptr && type->find("json") != std::string::npos) {
    auto doc = parse_json(request.body);
    if (doc && doc->IsObject())
      for (const auto& m : doc->GetObject())
        if (m.value.IsString()) out[m.name.GetString()] = m.value.GetString();
    return out;
  }
  for (auto& [k, v] : parse_form(request.body)) out.emplace(k, v);
  return out;
}

}  // namespace

FreshBooksIdentity::FreshBooksIdentity(SandboxContext& context) : context_(context), rng_(std::random_device{}()) {}

std::string FreshBooksIdentity::random_token() {
  return fmt::format("{:016x}{:016x}{:016x}{:016x}", rng_(), rng_(), rng_(), rng_());
}

void FreshBooksIdentity::load_seed(const rapidjson::Value& section) {
  clients_.clear();
  codes_.clear();
  refresh_.clear();
  access_.clear();
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
  if (const auto* list = member(section, "refreshTokens"); list && list->IsArray()) {
    for (const auto& r : list->GetArray()) {
      Refresh refresh;
      refresh.client_id = string_member(r, "client_id").value_or(clients_.empty() ? "" : clients_.begin()->first);
      refresh.scope = string_member(r, "scope").value_or(std::string(kDefaultScope));
      refresh_[r.IsString() ? r.GetString() : string_member(r, "token").value_or("")] = std::move(refresh);
    }
  }
}

FreshBooksIdentity::TokenState FreshBooksIdentity::check(const Request& request) const {
  const std::string* auth = request.header("authorization");
  if (auth == nullptr || !auth->starts_with("Bearer ")) return TokenState::unknown;
  auto it = access_.find(auth->substr(7));
  if (it == access_.end()) return TokenState::unknown;
  return it->second <= context_.clock.now() ? TokenState::expired : TokenState::live;
}

std::string FreshBooksIdentity::issue(const std::string& client_id, const std::string& scope) {
  auto now = context_.clock.now();
  auto lifetime = context_.clock.credential_lifetime(kAccessLifetime);
  std::string access = random_token();
  std::string refresh = random_token();
  access_[access] = now + lifetime;
  refresh_[refresh] = Refresh{client_id, scope};
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("access_token");
  writer.String(access);
  writer.Key("token_type");
  writer.String("Bearer");
  writer.Key("expires_in");
  writer.Int64(SandboxClock::ceil_seconds(lifetime));
  writer.Key("refresh_token");
  writer.String(refresh);
  writer.Key("scope");
  writer.String(scope);
  writer.Key("created_at");
  writer.Int64(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response FreshBooksIdentity::token(const Request& request) {
  if (request.method != "POST") return oauth_error(405, "invalid_request", "The token endpoint only accepts POST");
  auto fields = token_fields(request);
  auto field = [&](const std::string& key) {
    auto it = fields.find(key);
    return it == fields.end() ? std::string() : it->second;
  };
  auto client = clients_.find(field("client_id"));
  if (client == clients_.end() || client->second.secret != field("client_secret"))
    return oauth_error(401, "invalid_client", "Client authentication failed due to unknown client.");
  const std::string& client_id = client->first;
  std::string grant = field("grant_type");
  if (grant == "authorization_code") {
    auto code = codes_.find(field("code"));
    if (code == codes_.end() || code->second.client_id != client_id || code->second.expires_at <= context_.clock.now() ||
        code->second.redirect_uri != field("redirect_uri"))
      return oauth_error(400, "invalid_grant", "The provided authorization grant is invalid, expired or revoked.");
    std::string scope = code->second.scope;
    codes_.erase(code);
    return json_response(200, issue(client_id, scope));
  }
  if (grant == "refresh_token") {
    auto it = refresh_.find(field("refresh_token"));
    if (it == refresh_.end() || it->second.client_id != client_id)
      return oauth_error(400, "invalid_grant", "The provided authorization grant is invalid, expired or revoked.");
    std::string scope = it->second.scope;
    refresh_.erase(it);  // single use: the new token replaces it
    return json_response(200, issue(client_id, scope));
  }
  return oauth_error(400, "unsupported_grant_type", "The authorization grant type is not supported.");
}

Response FreshBooksIdentity::authorize(const Request& request) {
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
  Response response;
  response.status = 302;
  response.set_header("Location", location);
  return response;
}

}  // namespace capsync::sandbox
