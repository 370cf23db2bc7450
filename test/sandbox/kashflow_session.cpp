#include "test/sandbox/kashflow_session.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace capsync::sandbox {
namespace {

constexpr auto kIdle = std::chrono::minutes(60);
constexpr auto kTemporary = std::chrono::minutes(5);

bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Member by case-insensitive name (KashFlow accepts "username" as well as "UserName").
const rapidjson::Value* field(const rapidjson::Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  for (const auto& m : object.GetObject())
    if (same_text(std::string_view(m.name.GetString(), m.name.GetStringLength()), key)) return &m.value;
  return nullptr;
}

std::string text_field(const rapidjson::Value& object, std::string_view key) {
  const auto* v = field(object, key);
  return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

Response locked() { return kashflow_error(401, "AccountLocked", "User account is locked, please contact administrator."); }

}  // namespace

Response kashflow_error(int status, std::string_view code, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("Error");
  w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  w.Key("Message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return json_response(status, std::string(buffer.GetString(), buffer.GetSize()));
}

KashFlowSession::KashFlowSession(SandboxContext& context) : context_(context), rng_(std::random_device{}()) {}

std::string KashFlowSession::random_token() {
  std::uniform_int_distribution<int> hex(0, 15);
  std::string out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    out += "0123456789abcdef"[hex(rng_)];
  }
  return out;
}

void KashFlowSession::load_seed(const rapidjson::Value& section) {
  users_.clear();
  pending_.clear();
  sessions_.clear();
  lock_after_ = static_cast<int>(int_member(section, "lockAfter").value_or(3));
  if (const auto* list = member(section, "users"); list && list->IsArray())
    for (const auto& u : list->GetArray()) {
      std::string name = string_member(u, "username").value_or("");
      if (name.empty()) continue;
      users_[name] = User{string_member(u, "password").value_or(""), string_member(u, "memorableWord").value_or(""),
                          0, bool_member(u, "locked").value_or(false)};
    }
}

void KashFlowSession::dump_state(JsonWriter& w) const {
  w.Key("users");
  w.StartArray();
  for (const auto& [name, user] : users_) {
    w.StartObject();
    w.Key("username");
    w.String(name);
    w.Key("failedLogins");
    w.Int(user.failures);
    w.Key("locked");
    w.Bool(user.locked);
    w.Key("sessions");
    w.Int(static_cast<int>(std::count_if(sessions_.begin(), sessions_.end(),
                                         [&](const auto& s) { return s.second.username == name; })));
    w.EndObject();
  }
  w.EndArray();
}

Response KashFlowSession::fail(User& user, std::string_view code, std::string_view message) {
  if (++user.failures >= lock_after_) user.locked = true;
  return kashflow_error(401, code, message);
}

Response KashFlowSession::start(const Request& request) {
  auto body = parse_json(request.body);
  if (!body || !body->IsObject()) return kashflow_error(400, "InvalidRequest", "The request body is not valid JSON.");
  std::string name = text_field(*body, "UserName");
  auto it = users_.find(name);
  if (it == users_.end())
    return kashflow_error(401, "InvalidCredentials", "The username or password provided is incorrect.");
  User& user = it->second;
  if (user.locked) return locked();
  if (text_field(*body, "Password") != user.password)
    return fail(user, "InvalidCredentials", "The username or password provided is incorrect.");
  std::vector<int> all;
  for (int i = 1; i <= static_cast<int>(user.memorable_word.size()); ++i) all.push_back(i);
  std::shuffle(all.begin(), all.end(), rng_);
  all.resize(std::min<std::size_t>(all.size(), 3));
  std::string token = random_token();
  pending_[token] = Pending{name, all, context_.clock.now() + context_.clock.credential_lifetime(kTemporary)};

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("HasTemporaryPassword");
  w.Bool(false);
  w.Key("IsAdmin");
  w.Bool(true);
  w.Key("PackageName");
  w.String("Business");
  w.Key("MemorableWordList");
  w.StartArray();
  for (int p : all) {
    w.StartObject();
    w.Key("Position");
    w.Int(p);
    w.Key("Value");
    w.String("");
    w.EndObject();
  }
  w.EndArray();
  w.Key("PartnerId");
  w.Int(0);
  w.Key("SubscriptionExpired");
  w.Bool(false);
  w.Key("TemporaryToken");
  w.String(token);
  w.EndObject();
  return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
}

Response KashFlowSession::complete(const Request& request) {
  auto body = parse_json(request.body);
  if (!body || !body->IsObject()) return kashflow_error(400, "InvalidRequest", "The request body is not valid JSON.");
  auto it = pending_.find(text_field(*body, "TemporaryToken"));
  if (it == pending_.end() || it->second.expires_at <= context_.clock.now()) {
    if (it != pending_.end()) pending_.erase(it);
    return kashflow_error(401, "InvalidTemporaryToken", "Temporary token provided is invalid or has expired.");
  }
  Pending pending = it->second;
  pending_.erase(it);  // single use, right or wrong
  User& user = users_.at(pending.username);
  if (user.locked) return locked();
  const auto* letters = field(*body, "MemorableWordList");
  std::vector<int> answered;
  bool right = letters != nullptr && letters->IsArray();
  if (right) {
    for (const auto& l : letters->GetArray()) {
      const auto* position = field(l, "Position");
      std::string value = text_field(l, "Value");
      if (position == nullptr || !position->IsInt() || value.size() != 1) {
        right = false;
        break;
      }
      int p = position->GetInt();
      if (p < 1 || p > static_cast<int>(user.memorable_word.size()) ||
          !same_text(value, std::string_view(user.memorable_word).substr(static_cast<std::size_t>(p - 1), 1))) {
        right = false;
        break;
      }
      answered.push_back(p);
    }
  }
  std::sort(answered.begin(), answered.end());
  std::vector<int> asked = pending.positions;
  std::sort(asked.begin(), asked.end());
  if (!right || answered != asked)
    return fail(user, "InvalidMemorableWord", "The memorable word characters provided are incorrect.");
  user.failures = 0;
  std::string token = random_token();
  sessions_[token] = Session{pending.username, context_.clock.now()};
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("SessionToken");
  w.String(token);
  w.EndObject();
  return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
}

std::optional<std::string> KashFlowSession::check(const Request& request) {
  const std::string* auth = request.header("authorization");
  constexpr std::string_view kScheme = "KfToken ";
  if (auth == nullptr || !auth->starts_with(kScheme)) return std::nullopt;
  auto it = sessions_.find(auth->substr(kScheme.size()));
  if (it == sessions_.end()) return std::nullopt;
  auto now = context_.clock.now();
  if (now - it->second.last_used >= context_.clock.credential_lifetime(kIdle)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  if (users_.at(it->second.username).locked) return std::nullopt;
  it->second.last_used = now;
  return it->second.username;
}

Response KashFlowSession::end(const Request& request) {
  const std::string* auth = request.header("authorization");
  if (auth != nullptr && auth->starts_with("KfToken ")) sessions_.erase(auth->substr(8));
  return json_response(200, "true");
}

}  // namespace capsync::sandbox
