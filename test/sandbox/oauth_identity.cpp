#include "test/sandbox/oauth_identity.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/encoding/base64.hpp"
#include "test/sandbox/json_util.hpp"

namespace capsync::sandbox {

std::map<std::string, OAuthClient> oauth_clients(const rapidjson::Value& section) {
  std::map<std::string, OAuthClient> out;
  const auto* list = section.IsObject() ? member(section, "clients") : nullptr;
  if (list == nullptr || !list->IsArray()) return out;
  for (const auto& c : list->GetArray()) {
    OAuthClient client{string_member(c, "client_secret").value_or(""), {}};
    if (const auto* uris = member(c, "redirect_uris"); uris && uris->IsArray())
      for (const auto& u : uris->GetArray())
        if (u.IsString()) client.redirect_uris.emplace_back(u.GetString());
    out[string_member(c, "client_id").value_or("")] = std::move(client);
  }
  return out;
}

std::function<std::string(std::mt19937_64&)> OAuthProfile::hex_tokens(int words) {
  return [words](std::mt19937_64& rng) {
    std::string out;
    for (int i = 0; i < words; ++i) out += fmt::format("{:016x}", rng());
    return out;
  };
}

OAuthIdentity::OAuthIdentity(SandboxContext& context, OAuthProfile profile)
    : context_(context), profile_(std::move(profile)), rng_(std::random_device{}()) {}

void OAuthIdentity::load_seed(const rapidjson::Value& section) {
  clients_.clear();
  codes_.clear();
  refresh_.clear();
  access_.clear();
  refreshes_in_window_ = 0;
  if (!section.IsObject()) return;
  const auto now = context_.clock.now();
  clients_ = oauth_clients(section);
  if (const auto* list = member(section, "refreshTokens"); list && list->IsArray()) {
    for (const auto& r : list->GetArray()) {
      Refresh refresh;
      refresh.client_id = string_member(r, "client_id").value_or(clients_.empty() ? "" : clients_.begin()->first);
      refresh.scope = string_member(r, "scope").value_or(profile_.default_scope.value_or(""));
      if (profile_.refresh_lifetime) refresh.expires_at = now + context_.clock.scaled(*profile_.refresh_lifetime);
      refresh_[r.IsString() ? r.GetString() : string_member(r, "token").value_or("")] = std::move(refresh);
    }
  }
}

const OAuthIdentity::AccessToken* OAuthIdentity::find_access_token(const Request& request) const {
  const std::string* auth = request.header("authorization");
  if (auth == nullptr || !auth->starts_with("Bearer ")) return nullptr;
  auto it = access_.find(auth->substr(7));
  return it == access_.end() ? nullptr : &it->second;
}

OAuthIdentity::TokenState OAuthIdentity::check(const Request& request) const {
  const AccessToken* token = find_access_token(request);
  if (token == nullptr) return TokenState::unknown;
  return token->expires_at <= context_.clock.now() ? TokenState::expired : TokenState::live;
}

Response OAuthIdentity::error(int status, std::string_view error, const std::string& description) const {
  if (description.empty()) return json_response(status, fmt::format("{{\"error\":\"{}\"}}", error));
  return json_response(status, fmt::format(R"({{"error":"{}","error_description":"{}"}})", error, description));
}

std::string OAuthIdentity::issue(const std::string& client_id, const std::string& scope, std::string* refresh_out) {
  const auto now = context_.clock.now();
  const auto lifetime = context_.clock.credential_lifetime(profile_.access_lifetime);
  const std::string access = profile_.new_token(rng_);
  const std::string refresh = profile_.new_token(rng_);
  access_[access] = AccessToken{client_id, now + lifetime};
  std::optional<std::chrono::milliseconds> refresh_lifetime;
  if (profile_.refresh_lifetime) refresh_lifetime = context_.clock.scaled(*profile_.refresh_lifetime);
  refresh_[refresh] = Refresh{client_id, scope, refresh_lifetime ? std::optional(now + *refresh_lifetime) : std::nullopt,
                              {}, false};
  if (profile_.on_issue) profile_.on_issue(access, client_id, now + lifetime);
  if (refresh_out != nullptr) *refresh_out = refresh;
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("access_token");
  writer.String(access);
  writer.Key("token_type");
  writer.String(profile_.token_type);
  writer.Key("expires_in");
  writer.Int64(SandboxClock::ceil_seconds(lifetime));
  writer.Key("refresh_token");
  writer.String(refresh);
  if (refresh_lifetime) {
    writer.Key("refresh_token_expires_in");
    writer.Int64(SandboxClock::ceil_seconds(*refresh_lifetime));
  }
  if (profile_.default_scope) {
    writer.Key("scope");
    writer.String(scope);
  }
  if (profile_.created_at) {
    writer.Key("created_at");
    writer.Int64(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  }
  for (const auto& [key, value] : profile_.extra_fields) {
    writer.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
    writer.String(value);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<Response> OAuthIdentity::refresh_limited(TimePoint now) {
  if (profile_.refreshes_per_minute <= 0) return std::nullopt;
  const auto window = context_.clock.scaled(std::chrono::minutes(1));
  if (now >= refresh_window_start_ + window) {
    refresh_window_start_ = now;
    refreshes_in_window_ = 0;
  }
  if (refreshes_in_window_ < profile_.refreshes_per_minute) {
    ++refreshes_in_window_;
    return std::nullopt;
  }
  Response limited;
  limited.status = 429;
  limited.set_header("Retry-After", std::to_string(SandboxClock::ceil_seconds(refresh_window_start_ + window - now)));
  limited.set_header("Content-Type", "text/plain");
  limited.body = fmt::format("You must not exceed {} requests per 60 seconds", profile_.refreshes_per_minute);
  return limited;
}

Response OAuthIdentity::refresh(const std::string& client_id, const std::string& presented_token, TimePoint now) {
  auto it = refresh_.find(presented_token);
  if (it == refresh_.end() || it->second.client_id != client_id || (it->second.expires_at && *it->second.expires_at <= now))
    return error(400, "invalid_grant", profile_.messages.bad_refresh);
  const std::string scope = it->second.scope;
  if (!profile_.lenient_rotation) {
    refresh_.erase(it);  // single use: the new token replaces it
    return json_response(200, issue(client_id, scope));
  }
  Refresh& presented = it->second;
  if (!presented.successor.empty()) {
    auto successor = refresh_.find(presented.successor);
    if (successor != refresh_.end() && successor->second.used)
      return error(400, "invalid_grant", profile_.messages.bad_refresh);
    if (successor != refresh_.end()) refresh_.erase(successor);
  }
  presented.used = true;
  return json_response(200, issue(client_id, scope, &presented.successor));
}

Response OAuthIdentity::token(const Request& request) {
  if (request.method != "POST") return error(405, "invalid_request", profile_.messages.post_only);
  std::map<std::string, std::string> fields;  // the first of a repeated form field counts
  const std::string* type = request.header("content-type");
  if (profile_.json_body && type != nullptr && type->find("json") != std::string::npos) {
    auto doc = parse_json(request.body);
    if (doc && doc->IsObject())
      for (const auto& m : doc->GetObject())
        if (m.value.IsString()) fields[m.name.GetString()] = m.value.GetString();
  } else {
    for (auto& [k, v] : parse_form(request.body)) fields.emplace(k, v);
  }
  auto field = [&](const std::string& key) {
    auto it = fields.find(key);
    return it == fields.end() ? std::string() : it->second;
  };
  std::string client_id = field("client_id"), secret = field("client_secret");
  if (const auto* auth = request.header("authorization"); profile_.basic_auth && auth && auth->starts_with("Basic ")) {
    auto decoded = encoding::base64_decode(auth->substr(6));
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return error(401, "invalid_client", profile_.messages.bad_client);
    client_id = url_decode(decoded->substr(0, colon));
    secret = url_decode(decoded->substr(colon + 1));
  }
  auto client = clients_.find(client_id);
  if (client == clients_.end() || client->second.secret != secret)
    return error(401, "invalid_client", profile_.messages.bad_client);
  const auto now = context_.clock.now();
  const std::string grant = field("grant_type");
  if (grant == "authorization_code") {
    auto code = codes_.find(field("code"));
    if (code == codes_.end() || code->second.client_id != client_id || code->second.expires_at <= now ||
        code->second.redirect_uri != field("redirect_uri"))
      return error(400, "invalid_grant", profile_.messages.bad_code);
    const std::string scope = code->second.scope;
    codes_.erase(code);
    return json_response(200, issue(client_id, scope));
  }
  if (grant == "refresh_token") {
    if (auto limited = refresh_limited(now)) return std::move(*limited);
    return refresh(client_id, field("refresh_token"), now);
  }
  return error(400, "unsupported_grant_type", profile_.messages.bad_grant_type);
}

Response OAuthIdentity::authorize(const Request& request) {
  const auto client_id = request.param("client_id").value_or("");
  const auto redirect = request.param("redirect_uri").value_or("");
  auto client = clients_.find(client_id);
  std::string_view why;  // checked in this order
  if (client == clients_.end()) {
    why = "unknown client_id";
  } else if (request.param("response_type").value_or("") != "code") {
    why = "response_type must be code";
  } else {
    const auto& uris = client->second.redirect_uris;
    if (redirect.empty() || (!uris.empty() && std::find(uris.begin(), uris.end(), redirect) == uris.end()))
      why = "redirect_uri is not registered for this app";
  }
  if (!why.empty()) {
    Response bad;
    bad.status = 400;
    bad.body = fmt::format(fmt::runtime(profile_.authorize_refusal), why);
    bad.set_header("Content-Type", "text/plain");
    return bad;
  }
  const std::string code = profile_.new_token(rng_);
  codes_[code] = Code{client_id, redirect,
                      profile_.default_scope ? request.param("scope").value_or(*profile_.default_scope) : std::string(),
                      context_.clock.now() + context_.clock.credential_lifetime(profile_.code_lifetime)};
  std::string location = redirect + (redirect.find('?') == std::string::npos ? "?" : "&") + "code=" + url_encode(code);
  if (auto state = request.param("state")) location += "&state=" + url_encode(*state);
  location += profile_.redirect_extra;
  Response response;
  response.status = 302;
  response.set_header("Location", location);
  return response;
}

}  // namespace capsync::sandbox
