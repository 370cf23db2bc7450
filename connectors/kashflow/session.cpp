#include "connectors/kashflow/session.hpp"

#include <fmt/format.h>

#include "connectors/kashflow/errors.hpp"
#include "core/connector/json.hpp"

namespace capsync::kashflow {

namespace json = connector::json;

namespace {

constexpr std::string_view kStopped =
    "capsync stopped logging in to avoid locking the KashFlow account; fix the credentials in the config, then "
    "reload capsyncd or run `capsyncctl connect`";

}  // namespace

std::string login_body(std::string_view username, const Secret& password) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::write_key(w, "UserName");
  json::write_string(w, username);
  json::write_key(w, "Password");
  json::write_string(w, password.reveal());
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<LoginChallenge> parse_challenge(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error().with_context("KashFlow returned a malformed login answer");
  LoginChallenge out;
  auto token = json::text(*doc, "TemporaryToken");
  if (!token || token->empty()) return Error(Errc::protocol, "KashFlow's login answer has no TemporaryToken");
  out.temporary_token = Secret(std::string(*token));
  if (const auto* list = json::array(*doc, "MemorableWordList"))
    for (const auto& item : list->GetArray()) {
      auto position = json::integer(item, "Position");
      if (!position) return position.error().with_context("KashFlow's login answer");
      if (!*position || **position < 1)
        return Error(Errc::protocol, "KashFlow's login answer asks for a memorable word letter without a position");
      out.positions.push_back(static_cast<int>(**position));
    }
  if (out.positions.empty())
    return Error(Errc::protocol, "KashFlow's login answer asks for no memorable word letters");
  return out;
}

Result<std::string> letters_body(const LoginChallenge& challenge, const Secret& memorable_word) {
  std::string_view word = memorable_word.reveal();
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::write_key(w, "TemporaryToken");
  json::write_string(w, challenge.temporary_token.reveal());
  json::write_key(w, "MemorableWordList");
  w.StartArray();
  for (int p : challenge.positions) {
    if (static_cast<std::size_t>(p) > word.size())
      return make_error(Errc::unauthorized,
                        "KashFlow asked for letter {} of the memorable word, but the configured memorable word is "
                        "shorter; {}",
                        p, kStopped);
    w.StartObject();
    json::write_key(w, "Position");
    w.Int(p);
    json::write_key(w, "Value");
    json::write_string(w, word.substr(static_cast<std::size_t>(p - 1), 1));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Secret> parse_session_token(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error().with_context("KashFlow returned a malformed session token answer");
  auto token = json::text(*doc, "SessionToken");
  if (!token || token->empty()) return Error(Errc::protocol, "KashFlow's session token answer has no SessionToken");
  return Secret(std::string(*token));
}

bool credentials_refused(const http::Response& r) {
  if (r.status != 400 && r.status != 401 && r.status != 403) return false;
  return error_code(r.body).find("TemporaryToken") == std::string::npos;
}

Error login_error(const http::Response& r, LoginStep step) {
  if (credentials_refused(r)) {
    std::string code = error_code(r.body);
    if (code == "AccountLocked")
      return make_error(Errc::unauthorized,
                        "KashFlow refused the login: the KashFlow user account is locked (too many failed logins); "
                        "an administrator must unlock it in KashFlow. {}",
                        kStopped);
    if (step == LoginStep::password)
      return make_error(Errc::unauthorized, "KashFlow refused the login: wrong username or password (HTTP {}{}); {}",
                        r.status, code.empty() ? std::string() : " " + code, kStopped);
    return make_error(Errc::unauthorized,
                      "KashFlow refused the login: wrong memorable word letters (HTTP {}{}); {}", r.status,
                      code.empty() ? std::string() : " " + code, kStopped);
  }
  return map_error(r, step == LoginStep::password ? "the session login" : "the memorable word step of the login");
}

}  // namespace capsync::kashflow
