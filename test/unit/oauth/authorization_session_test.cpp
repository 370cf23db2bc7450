// AuthorizationSession against the sandbox: the loopback flow for each OAuth provider the
// sandbox serves, and the manual flow (the operator pastes the URL the browser was sent to).

#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <rapidjson/document.h>

#include "core/http/client.hpp"
#include "core/oauth/authorization_session.hpp"
#include "core/oauth/token_manager.hpp"
#include "test/unit/http/run.hpp"
#include "test/unit/http/sandbox_process.hpp"
#include "connectors/registry/registry.hpp"

using namespace capsync;
using namespace capsync::oauth;
using namespace std::chrono_literals;

namespace {

struct ProviderPaths {
  const char* provider;
  const char* authorize;
  const char* token;
};

constexpr ProviderPaths kXero{"xero", "/xero-login/identity/connect/authorize", "/xero-identity/connect/token"};
constexpr ProviderPaths kSage{"sage", "/sage-login/oauth2/auth/central", "/sage-oauth/token"};
constexpr ProviderPaths kFreeAgent{"freeagent", "/freeagent/v2/approve_app", "/freeagent/v2/token_endpoint"};
constexpr ProviderPaths kFreshBooks{"freshbooks", "/freshbooks-auth/oauth/authorize", "/freshbooks/auth/oauth/token"};

struct Fixture {
  test::SandboxProcess sandbox;
  boost::asio::io_context io;
  http::Client client{io.get_executor(), http::ClientOptions{}};
  MemoryTokenStore store;

  OAuthProfile profile(const ProviderPaths& p) const {
    OAuthProfile profile = registry::find(p.provider).value()->oauth;
    profile.authorize_url = sandbox.base_url() + p.authorize;
    profile.token_url = sandbox.base_url() + p.token;
    profile.client_id = "sandbox-client-id";
    profile.client_secret = Secret("sandbox-client-secret");
    return profile;
  }

  AuthorizationOptions options(const ProviderPaths& p) const {
    AuthorizationOptions o;
    o.connection = "acme";
    o.profile = profile(p);
    o.timeout = 30s;
    return o;
  }

  // What the browser does with the authorize URL: the provider's redirect, not followed.
  std::string location(const std::string& authorize_url) {
    http::Request authorize;
    authorize.url = authorize_url;
    auto redirect = test::run(io, client.send(authorize));
    REQUIRE(redirect.ok());
    REQUIRE(redirect->status == 302);
    auto location = redirect->header("Location");
    REQUIRE(location);
    return std::string(*location);
  }

  Result<TokenRecord> run(boost::asio::awaitable<Result<TokenRecord>> flow) {
    io.restart();
    return test::run(io, std::move(flow));
  }

  // Statuses of the POSTs to `token_path` the sandbox has seen.
  std::vector<int> token_posts(const char* token_path) {
    http::Request r;
    r.url = sandbox.base_url() + "/_admin/requests";
    auto answer = test::run(io, client.send(std::move(r)));
    REQUIRE(answer.ok());
    rapidjson::Document doc;
    doc.Parse(answer->body.c_str());
    REQUIRE(doc.IsArray());
    std::vector<int> out;
    for (const auto& e : doc.GetArray())
      if (std::string_view(e["method"].GetString()) == "POST" && std::string_view(e["path"].GetString()) == token_path)
        out.push_back(e["status"].GetInt());
    return out;
  }
};

bool have_sandbox() {
  if (!test::sandbox_path().empty()) return true;
  WARN("capsync-sandbox is not part of this build");
  return false;
}

std::string replace_state(std::string url) {
  const auto at = url.find("state=");
  REQUIRE(at != std::string::npos);
  const auto end = url.find('&', at);
  return url.replace(at, (end == std::string::npos ? url.size() : end) - at, "state=forged");
}

}  // namespace

TEST_CASE("Sage and FreeAgent authorize through the loopback redirect and their tokens refresh") {
  if (!have_sandbox()) return;
  for (const ProviderPaths& p : {kSage, kFreeAgent}) {
    SECTION(p.provider) {
      Fixture f;
      AuthorizationSession session(f.io.get_executor(), f.client, f.store, f.options(p));
      auto url = session.begin();
      REQUIRE(url.ok());
      CHECK(url->find("state=") != std::string::npos);
      std::optional<Result<TokenRecord>> done;
      test::spawn(f.io, [&]() -> boost::asio::awaitable<void> { done.emplace(co_await session.complete()); });
      const std::string location = f.location(*url);
      CHECK(location.starts_with(session.redirect_uri() + "?"));
      http::Request callback;
      callback.url = location;
      auto page = test::run(f.io, f.client.send(callback));
      REQUIRE(page.ok());
      CHECK(page->status == 200);
      f.io.restart();
      const auto deadline = std::chrono::steady_clock::now() + 20s;
      while (!done && std::chrono::steady_clock::now() < deadline) f.io.run_one_for(100ms);
      REQUIRE(done);
      REQUIRE(done->ok());
      CHECK(f.token_posts(p.token) == std::vector<int>{200});
      TokenManagerOptions tm;
      tm.connection = "acme";
      tm.profile = f.profile(p);
      TokenManager tokens(f.io.get_executor(), f.client, f.store, tm);
      tokens.invalidate();
      REQUIRE(test::run(f.io, tokens.access_token()).ok());
      CHECK(f.token_posts(p.token) == std::vector<int>{200, 200});
    }
  }
}

TEST_CASE("Manual authorization: the pasted redirect URL (or its bare code) is exchanged, nothing listens") {
  if (!have_sandbox()) return;
  Fixture f;
  AuthorizationSession session(f.io.get_executor(), f.client, f.store, f.options(kXero));
  auto url = session.begin_manual("https://capsync.example.com/callback");
  REQUIRE(url.ok());
  CHECK(session.redirect_uri() == "https://capsync.example.com/callback");
  CHECK(url->find("redirect_uri=https%3A%2F%2Fcapsync.example.com%2Fcallback") != std::string::npos);
  const std::string location = f.location(*url);
  REQUIRE(location.starts_with("https://capsync.example.com/callback?"));

  SECTION("the whole URL") {
    auto done = f.run(session.complete_with("  " + location + "\n"));
    REQUIRE(done.ok());
    CHECK_FALSE(done->refresh_token.empty());
    CHECK(f.store.saves() == 1);
  }
  SECTION("the bare code") {
    const auto code_at = location.find("code=") + 5;
    const std::string code = location.substr(code_at, location.find('&', code_at) - code_at);
    auto done = f.run(session.complete_with(code));
    REQUIRE(done.ok());
    CHECK(f.store.saves() == 1);
  }
  CHECK(f.token_posts(kXero.token) == std::vector<int>{200});
}

TEST_CASE("Manual authorization: a wrong state or a URL without a code is refused and nothing is stored") {
  if (!have_sandbox()) return;
  Fixture f;
  AuthorizationSession session(f.io.get_executor(), f.client, f.store, f.options(kXero));
  auto url = session.begin_manual("https://capsync.example.com/callback");
  REQUIRE(url.ok());
  const std::string location = f.location(*url);
  auto forged = f.run(session.complete_with(replace_state(location)));
  REQUIRE_FALSE(forged.ok());
  CHECK(forged.error().code() == Errc::unauthorized);
  CHECK(forged.error().message().find("wrong state") != std::string::npos);
  auto no_query = f.run(session.complete_with("https://capsync.example.com/callback"));
  REQUIRE_FALSE(no_query.ok());
  CHECK(no_query.error().code() == Errc::invalid_argument);
  CHECK(f.store.saves() == 0);
  CHECK(f.token_posts(kXero.token).empty());
  // The code in the URL was never used: the genuine redirect still works.
  auto genuine = f.run(session.complete_with(location));
  REQUIRE(genuine.ok());
  CHECK(f.store.saves() == 1);
}

TEST_CASE("FreshBooks, whose redirect URI must be https, authorizes by hand and its tokens refresh") {
  if (!have_sandbox()) return;
  Fixture f;
  AuthorizationSession session(f.io.get_executor(), f.client, f.store, f.options(kFreshBooks));
  auto url = session.begin_manual("https://capsync.example.com/freshbooks");
  REQUIRE(url.ok());
  const std::string location = f.location(*url);
  REQUIRE(location.starts_with("https://capsync.example.com/freshbooks?"));
  auto done = f.run(session.complete_with(location));
  REQUIRE(done.ok());
  CHECK(f.token_posts(kFreshBooks.token) == std::vector<int>{200});
  TokenManagerOptions tm;
  tm.connection = "acme";
  tm.profile = f.profile(kFreshBooks);
  TokenManager tokens(f.io.get_executor(), f.client, f.store, tm);
  tokens.invalidate();
  REQUIRE(test::run(f.io, tokens.access_token()).ok());
  CHECK(f.token_posts(kFreshBooks.token) == std::vector<int>{200, 200});
}
