// The fake OAuth of Capsule, FreshBooks, Sage and FreeAgent: one implementation, four
// providers' answers. Each provider's exact refusals, redirect and token answer shape.

#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::sandbox;
using namespace capsync::sandbox::test;

namespace {

struct OAuthAnswers {
  std::string section, authorize, token;
  std::set<std::string> answer_keys;
  std::string token_type;
  // Exact bodies of: GET on the token endpoint, a wrong secret, an unknown grant, a used code,
  // an unknown refresh token, an unregistered redirect URI on the authorize page.
  std::string post_only, bad_client, bad_grant_type, bad_code, bad_refresh, bad_redirect;
  std::string redirect_tail;  // what the redirect ends with after the state
};

const std::string kRedirect = "http://localhost:9999/cb";

const std::vector<OAuthAnswers> kProviders = {
    {"capsule", "/capsule/oauth/authorise", "/capsule/oauth/token",
     {"access_token", "token_type", "expires_in", "refresh_token", "scope", "subdomain"}, "bearer",
     R"({"error":"invalid_request","error_description":"The token endpoint only accepts POST"})",
     R"({"error":"invalid_client","error_description":"Client authentication failed"})",
     R"({"error":"unsupported_grant_type","error_description":"The authorization grant type is not supported"})",
     R"({"error":"invalid_grant","error_description":"The authorization code is invalid or has expired"})",
     R"({"error":"invalid_grant","error_description":"The refresh token is invalid"})",
     "Invalid client_id or redirect_uri", "&state=st"},
    {"freshbooks", "/freshbooks-auth/oauth/authorize", "/freshbooks/auth/oauth/token",
     {"access_token", "token_type", "expires_in", "refresh_token", "scope", "created_at"}, "Bearer",
     R"({"error":"invalid_request","error_description":"The token endpoint only accepts POST"})",
     R"({"error":"invalid_client","error_description":"Client authentication failed due to unknown client."})",
     R"({"error":"unsupported_grant_type","error_description":"The authorization grant type is not supported."})",
     R"({"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired or revoked."})",
     R"({"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired or revoked."})",
     "The redirect_uri or client_id is invalid", "&state=st"},
    {"sage", "/sage-login/oauth2/auth/central", "/sage-oauth/token",
     {"access_token", "token_type", "expires_in", "refresh_token", "refresh_token_expires_in", "scope",
      "requested_by_id"},
     "bearer", R"({"error":"invalid_request"})", R"({"error":"invalid_client"})",
     R"({"error":"unsupported_grant_type"})", R"({"error":"invalid_grant"})", R"({"error":"invalid_grant"})",
     "The redirect_uri or client_id is invalid", "&state=st&country=gb"},
    {"freeagent", "/freeagent/v2/approve_app", "/freeagent/v2/token_endpoint",
     {"access_token", "token_type", "expires_in", "refresh_token", "refresh_token_expires_in"}, "bearer",
     R"({"error":"invalid_request","error_description":"The token endpoint only accepts POST"})",
     R"({"error":"invalid_client","error_description":"Client authentication failed"})",
     R"({"error":"unsupported_grant_type","error_description":"The authorization grant type is not supported"})",
     R"({"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired or revoked"})",
     R"({"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired or revoked"})",
     "The OAuth request was not valid: redirect_uri is not registered for this app", "&state=st"},
};

std::string seed(const std::string& section) {
  return R"({"clock":{"now":"2026-11-23T10:00:00Z"},")" + section +
         R"(":{"clients":[{"client_id":"app","client_secret":"secret","redirect_uris":[")" + kRedirect + R"("]}]}})";
}

HttpResult token_call(const SandboxFixture& sandbox, const OAuthAnswers& p, const std::string& form,
                      const std::string& secret = "secret") {
  return sandbox.send("POST", p.token, "client_id=app&client_secret=" + secret + "&" + form,
                      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}});
}

std::string authorize_query(const std::string& redirect) {
  return "?client_id=app&response_type=code&state=st&redirect_uri=" + url_encode(redirect);
}

}  // namespace

TEST_CASE("sandbox OAuth: each provider's refusals, redirect and token answer") {
  for (const OAuthAnswers& p : kProviders) {
    SECTION(p.section) {
      SandboxFixture sandbox(seed(p.section));
      const auto get = sandbox.get(p.token);
      CHECK(get.status == 405);
      CHECK(get.body == p.post_only);
      const auto wrong = token_call(sandbox, p, "grant_type=refresh_token&refresh_token=x", "nope");
      CHECK(wrong.status == 401);
      CHECK(wrong.body == p.bad_client);
      const auto grant = token_call(sandbox, p, "grant_type=password");
      CHECK(grant.status == 400);
      CHECK(grant.body == p.bad_grant_type);

      const auto refused = sandbox.get(p.authorize + authorize_query("http://evil/cb"));
      CHECK(refused.status == 400);
      CHECK(refused.body == p.bad_redirect);
      const auto approved = sandbox.get(p.authorize + authorize_query(kRedirect));
      REQUIRE(approved.status == 302);
      const std::string location = approved.header("location");
      REQUIRE(location.starts_with(kRedirect + "?code="));
      CHECK(location.ends_with(p.redirect_tail));
      std::string code = location.substr(location.find("code=") + 5);
      code = code.substr(0, code.find('&'));

      const std::string exchange = "grant_type=authorization_code&code=" + code + "&redirect_uri=" + url_encode(kRedirect);
      const auto tokens = token_call(sandbox, p, exchange);
      REQUIRE(tokens.status == 200);
      rapidjson::Document doc;
      doc.Parse(tokens.body.c_str());
      REQUIRE(doc.IsObject());
      std::set<std::string> keys;
      for (const auto& m : doc.GetObject()) keys.insert(m.name.GetString());
      CHECK(keys == p.answer_keys);
      CHECK(std::string(doc["token_type"].GetString()) == p.token_type);
      const auto reused = token_call(sandbox, p, exchange);
      CHECK(reused.status == 400);
      CHECK(reused.body == p.bad_code);
      const auto unknown = token_call(sandbox, p, "grant_type=refresh_token&refresh_token=never-issued");
      CHECK(unknown.status == 400);
      CHECK(unknown.body == p.bad_refresh);
      const auto refreshed =
          token_call(sandbox, p, "grant_type=refresh_token&refresh_token=" + url_encode(doc["refresh_token"].GetString()));
      CHECK(refreshed.status == 200);
    }
  }
}

TEST_CASE("sandbox OAuth: FreeAgent allows 15 token refreshes a minute, then 429 with Retry-After") {
  SandboxFixture sandbox(seed("freeagent"));
  const OAuthAnswers& p = kProviders[3];
  for (int i = 0; i < 15; ++i) CHECK(token_call(sandbox, p, "grant_type=refresh_token&refresh_token=x").status == 400);
  const auto limited = token_call(sandbox, p, "grant_type=refresh_token&refresh_token=x");
  CHECK(limited.status == 429);
  CHECK_FALSE(limited.header("retry-after").empty());
  CHECK(limited.body == "You must not exceed 15 requests per 60 seconds");
}
