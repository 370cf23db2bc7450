#include "test/sandbox/xero_identity.hpp"

#include <openssl/sha.h>

#include <fmt/format.h>

#include "core/encoding/base64.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

constexpr auto kAccessLifetime = std::chrono::seconds(1800);
constexpr auto kRefreshLifetime = std::chrono::hours(24 * 60);
constexpr auto kGrace = std::chrono::minutes(30);
constexpr auto kCodeLifetime = std::chrono::minutes(5);
constexpr std::string_view kDefaultScope = "offline_access accounting.transactions accounting.contacts";

Response oauth_error(int status, std::string_view error) {
  return json_response(status, fmt::format("{{\"error\":\"{}\"}}", error));
}

bool has_scope(std::string_view scopes, std::string_view wanted) {
  while (!scopes.empty()) {
    auto space = scopes.find(' ');
    if (scopes.substr(0, space) == wanted) return true;
    if (space == std::string_view::npos) break;
    scopes.remove_prefix(space + 1);
  }
  return false;
}

}  // namespace

XeroIdentity::XeroIdentity(SandboxContext& context) : context_(context), rng_(std::random_device{}()) {}

std::string XeroIdentity::random_token(std::size_t bytes) {
  std::string raw(bytes, '\0');
  for (char& c : raw) c = static_cast<char>(rng_() & 0xff);
  return encoding::base64url_encode(raw);
}

void XeroIdentity::load_seed(const rapidjson::Value& section) {
  clients_.clear();
  codes_.clear();
  refresh_.clear();
  access_.clear();
  tenants_.clear();
  if (!section.IsObject()) return;
  auto now = context_.clock.now();
  clients_ = oauth_clients(section);
  if (const auto* list = member(section, "refreshTokens"); list && list->IsArray()) {
    for (const auto& r : list->GetArray()) {
      Refresh refresh;
      refresh.client_id = string_member(r, "client_id").value_or(clients_.empty() ? "" : clients_.begin()->first);
      refresh.scope = string_member(r, "scope").value_or(std::string(kDefaultScope));
      refresh.expires_at = now + context_.clock.scaled(kRefreshLifetime);
      refresh_[r.IsString() ? r.GetString() : string_member(r, "token").value_or("")] = std::move(refresh);
    }
  }
  if (const auto* list = member(section, "tenants"); list && list->IsArray()) {
    int n = 0;
    for (const auto& t : list->GetArray()) {
      XeroTenant tenant;
      tenant.tenant_id = string_member(t, "tenantId").value_or("");
      tenant.tenant_name = string_member(t, "tenantName").value_or("Sandbox Company");
      tenant.tenant_type = string_member(t, "tenantType").value_or("ORGANISATION");
      tenant.connection_id = string_member(t, "id").value_or(fmt::format("7cb59f93-2964-421d-bb5e-a0f7a4{:06d}", ++n));
      tenants_.push_back(std::move(tenant));
    }
  }
}

void XeroIdentity::dump(JsonWriter& writer) const {
  writer.StartArray();
  for (const auto& t : tenants_) {
    writer.StartObject();
    writer.Key("tenantId");
    writer.String(t.tenant_id);
    writer.Key("tenantName");
    writer.String(t.tenant_name);
    writer.Key("tenantType");
    writer.String(t.tenant_type);
    writer.EndObject();
  }
  writer.EndArray();
}

const XeroTenant* XeroIdentity::tenant(std::string_view id) const {
  for (const auto& t : tenants_)
    if (t.tenant_id == id) return &t;
  return nullptr;
}

const XeroAccessToken* XeroIdentity::find_access_token(const Request& request) const {
  const std::string* auth = request.header("authorization");
  if (auth == nullptr || !auth->starts_with("Bearer ")) return nullptr;
  auto it = access_.find(auth->substr(7));
  return it == access_.end() ? nullptr : &it->second;
}

std::string XeroIdentity::issue(const std::string& client_id, const std::string& scope, bool with_refresh) {
  auto now = context_.clock.now();
  auto lifetime = context_.clock.credential_lifetime(kAccessLifetime);
  // JWT-shaped like Xero's (unsigned: clients must not rely on verifying it).
  auto exp = std::chrono::duration_cast<std::chrono::seconds>((now + lifetime).time_since_epoch()).count();
  std::string payload = fmt::format(
      R"({{"nbf":{},"exp":{},"iss":"https://identity.xero.com","aud":"https://identity.xero.com/resources","client_id":"{}","scope":"{}","jti":"{}"}})",
      exp - lifetime.count() / 1000, exp, client_id, scope, random_token(8));
  std::string access = encoding::base64url_encode(R"({"alg":"RS256","typ":"JWT"})") + "." + encoding::base64url_encode(payload) +
                       "." + random_token(32);
  access_[access] = XeroAccessToken{client_id, now + lifetime};
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("access_token");
  writer.String(access);
  writer.Key("expires_in");
  writer.Int64(SandboxClock::ceil_seconds(lifetime));
  writer.Key("token_type");
  writer.String("Bearer");
  if (with_refresh) {
    std::string refresh = random_token(32);
    refresh_[refresh] = Refresh{client_id, scope, now + context_.clock.scaled(kRefreshLifetime), {}, {}, false};
    writer.Key("refresh_token");
    writer.String(refresh);
  }
  writer.Key("scope");
  writer.String(scope);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response XeroIdentity::token(const Request& request) {
  if (request.method != "POST") return oauth_error(405, "invalid_request");
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
    if (colon == std::string::npos) return oauth_error(400, "invalid_client");
    client_id = url_decode(decoded->substr(0, colon));
    secret = url_decode(decoded->substr(colon + 1));
  }
  auto client = clients_.find(client_id);
  if (client == clients_.end()) return oauth_error(400, "invalid_client");
  std::string grant = field("grant_type");
  auto now = context_.clock.now();
  Response ok;
  if (grant == "authorization_code") {
    auto code = codes_.find(field("code"));
    if (code == codes_.end() || code->second.client_id != client_id || code->second.expires_at <= now ||
        code->second.redirect_uri != field("redirect_uri"))
      return oauth_error(400, "invalid_grant");
    Code used = code->second;
    codes_.erase(code);  // single use
    if (!used.challenge.empty()) {
      std::string verifier = field("code_verifier");
      std::string expected = verifier;
      if (used.method == "S256") {
        unsigned char digest[SHA256_DIGEST_LENGTH];
        SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
        expected = encoding::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
      }
      if (verifier.empty() || expected != used.challenge) return oauth_error(400, "invalid_grant");
    } else if (secret != client->second.secret) {
      return oauth_error(400, "invalid_client");
    }
    return json_response(200, issue(client_id, used.scope, has_scope(used.scope, "offline_access")));
  }
  if (grant == "refresh_token") {
    if (secret != client->second.secret) return oauth_error(400, "invalid_client");
    auto it = refresh_.find(field("refresh_token"));
    if (it == refresh_.end() || it->second.client_id != client_id || it->second.expires_at <= now)
      return oauth_error(400, "invalid_grant");
    Refresh& presented = it->second;
    if (!presented.successor.empty()) {
      auto successor = refresh_.find(presented.successor);
      bool successor_unused = successor != refresh_.end() && !successor->second.used;
      if (now >= presented.grace_until || !successor_unused) return oauth_error(400, "invalid_grant");
      refresh_.erase(successor);  // the response that carried it never arrived
    }
    presented.used = true;
    std::string body = issue(client_id, presented.scope, true);
    auto doc = parse_json(body);
    presented.successor = string_member(*doc, "refresh_token").value_or("");
    presented.grace_until = now + context_.clock.credential_lifetime(kGrace);
    return json_response(200, body);
  }
  return oauth_error(400, "unsupported_grant_type");
}

Response XeroIdentity::authorize(const Request& request) {
  auto client_id = request.param("client_id").value_or("");
  auto redirect = request.param("redirect_uri").value_or("");
  auto client = clients_.find(client_id);
  if (client == clients_.end() || redirect.empty() || request.param("response_type").value_or("code") != "code") {
    Response bad;
    bad.status = 400;
    bad.body = "Sorry, something went wrong: unauthorized_client";
    bad.set_header("Content-Type", "text/plain");
    return bad;
  }
  auto& uris = client->second.redirect_uris;
  if (!uris.empty() && std::find(uris.begin(), uris.end(), redirect) == uris.end()) {
    Response bad;
    bad.status = 400;
    bad.body = "Sorry, something went wrong: invalid redirect_uri";
    bad.set_header("Content-Type", "text/plain");
    return bad;
  }
  std::string code = random_token(24);
  codes_[code] = Code{client_id,
                      redirect,
                      request.param("code_challenge").value_or(""),
                      request.param("code_challenge_method").value_or("plain"),
                      request.param("scope").value_or(std::string(kDefaultScope)),
                      context_.clock.now() + context_.clock.credential_lifetime(kCodeLifetime)};
  std::string location = redirect + (redirect.find('?') == std::string::npos ? "?" : "&") + "code=" + url_encode(code);
  if (auto state = request.param("state")) location += "&state=" + url_encode(*state);
  if (auto scope = request.param("scope")) location += "&scope=" + url_encode(*scope);
  Response response;
  response.status = 302;
  response.set_header("Location", location);
  return response;
}

Response XeroIdentity::connections(const Request& request) {
  const XeroAccessToken* token = find_access_token(request);
  if (token == nullptr || token->expires_at <= context_.clock.now())
    return json_response(401, R"({"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthenticationUnsuccessful","Instance":null,"Extensions":{}})");
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartArray();
  auto stamp = xero_connection_time(context_.clock.now());
  for (const auto& t : tenants_) {
    writer.StartObject();
    writer.Key("id");
    writer.String(t.connection_id);
    writer.Key("authEventId");
    writer.String("d99ecdfe-391d-43d2-b834-17636ba90e8d");
    writer.Key("tenantId");
    writer.String(t.tenant_id);
    writer.Key("tenantType");
    writer.String(t.tenant_type);
    writer.Key("tenantName");
    writer.String(t.tenant_name);
    writer.Key("createdDateUtc");
    writer.String(stamp);
    writer.Key("updatedDateUtc");
    writer.String(stamp);
    writer.EndObject();
  }
  writer.EndArray();
  return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
}

}  // namespace capsync::sandbox
