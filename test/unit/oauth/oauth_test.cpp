#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <rapidjson/document.h>

#include "core/http/client.hpp"
#include "core/oauth/authorization_session.hpp"
#include "core/oauth/pkce.hpp"
#include "core/oauth/sqlite_token_store.hpp"
#include "core/store/database.hpp"
#include "core/oauth/token_endpoint.hpp"
#include "core/oauth/token_manager.hpp"
#include "test/unit/http/run.hpp"
#include "test/unit/http/sandbox_process.hpp"
#include "test/unit/store/temp_dir.hpp"
#include "connectors/registry/registry.hpp"

using namespace capsync;
using namespace capsync::oauth;
using namespace std::chrono_literals;

namespace {

constexpr const char* kSeedRefresh = "xero-sandbox-refresh-token";
constexpr const char* kTokenPath = "/xero-identity/connect/token";

struct Fixture {
  test::SandboxProcess sandbox;
  boost::asio::io_context io;
  http::Client client{io.get_executor(), http::ClientOptions{}};
  MemoryTokenStore store;

  OAuthProfile profile() const {
    OAuthProfile p = registry::find("xero").value()->oauth;
    p.token_url = sandbox.base_url() + kTokenPath;
    p.authorize_url = sandbox.base_url() + "/xero-login/identity/connect/authorize";
    p.client_id = "sandbox-client-id";
    p.client_secret = Secret("sandbox-client-secret");
    return p;
  }

  TokenManagerOptions options(const std::string& connection = "acme") const {
    TokenManagerOptions o;
    o.connection = connection;
    o.profile = profile();
    return o;
  }

  // A stored token set whose access token has expired, so the next call refreshes.
  void store_expired(const std::string& connection, const std::string& refresh) {
    TokenRecord r;
    r.connection = connection;
    r.access_token = Secret("stale-access");
    r.refresh_token = Secret(refresh);
    r.expires_at = std::chrono::system_clock::now() - 1s;
    REQUIRE(store.save(r).ok());
  }

  Secret stored_refresh(const std::string& connection = "acme") {
    auto r = store.load(connection);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    return (*r)->refresh_token;
  }

  Result<http::Response> admin(http::Method method, const std::string& path) {
    http::Request r;
    r.method = method;
    r.url = sandbox.base_url() + path;
    return test::run(io, client.send(std::move(r)));
  }

  // POSTs to the token endpoint the sandbox has seen, and their statuses.
  std::vector<int> token_posts() {
    auto r = admin(http::Method::get, "/_admin/requests");
    REQUIRE(r.ok());
    rapidjson::Document doc;
    doc.Parse(r->body.c_str());
    REQUIRE(doc.IsArray());
    std::vector<int> out;
    for (const auto& e : doc.GetArray())
      if (std::string(e["method"].GetString()) == "POST" && std::string(e["path"].GetString()) == kTokenPath)
        out.push_back(e["status"].GetInt());
    return out;
  }
};

struct LogCapture {
  std::vector<log::Record> records;
  LogCapture() {
    log::TEST_set_sink([this](const log::Record& r) { records.push_back(r); });
  }
  ~LogCapture() { log::TEST_set_sink(nullptr); }
  int count(std::string_view text) const {
    int n = 0;
    for (const auto& r : records) n += r.message.find(text) != std::string::npos;
    return n;
  }
};

bool have_sandbox() {
  if (!test::sandbox_path().empty()) return true;
  WARN("capsync-sandbox is not part of this build");
  return false;
}

}  // namespace

TEST_CASE("20 concurrent access_token() calls at expiry cause exactly one refresh") {
  if (!have_sandbox()) return;
  Fixture f;
  f.store_expired("acme", kSeedRefresh);
  TokenManager tokens(f.io.get_executor(), f.client, f.store, f.options());
  std::vector<Result<Secret>> results;
  for (int i = 0; i < 20; ++i)
    test::spawn(f.io, [&]() -> boost::asio::awaitable<void> {
      results.push_back(co_await tokens.access_token());
    });
  f.io.restart();
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (results.size() < 20 && std::chrono::steady_clock::now() < deadline) f.io.run_one_for(100ms);
  REQUIRE(results.size() == 20);
  for (const auto& r : results) {
    REQUIRE(r.ok());
    CHECK(*r == *results.front());
    CHECK(r->reveal() != "stale-access");
  }
  CHECK(tokens.refreshes() == 1);
  CHECK(f.token_posts() == std::vector<int>{200});
  // The rotated refresh token is what the store holds now.
  CHECK(f.stored_refresh().reveal() != kSeedRefresh);
  // Fresh now: no further refresh.
  REQUIRE(test::run(f.io, tokens.access_token()).ok());
  CHECK(f.token_posts().size() == 1);
}

TEST_CASE("A rotated token that cannot be committed is not used; it is committed before the next use") {
  if (!have_sandbox()) return;
  Fixture f;
  f.store_expired("acme", kSeedRefresh);
  TokenManager tokens(f.io.get_executor(), f.client, f.store, f.options());
  f.store.TEST_fail_next_saves(1);
  auto failed = test::run(f.io, tokens.access_token());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message().find("Failed to save rotated OAuth tokens") != std::string::npos);
  CHECK(f.stored_refresh().reveal() == kSeedRefresh);  // the old one stays until the new one is durable

  auto ok = test::run(f.io, tokens.access_token());
  REQUIRE(ok.ok());
  CHECK(f.token_posts().size() == 1);  // committed the held token set, no second refresh
  CHECK(f.stored_refresh().reveal() != kSeedRefresh);
}

TEST_CASE("A crash between refresh and commit keeps a working refresh token") {
  if (!have_sandbox()) return;
  Fixture f;
  f.store_expired("acme", kSeedRefresh);
  {
    // The process "dies" after the token response: the save fails and the manager is gone.
    TokenManager doomed(f.io.get_executor(), f.client, f.store, f.options());
    f.store.TEST_fail_next_saves(1);
    REQUIRE_FALSE(test::run(f.io, doomed.access_token()).ok());
  }
  CHECK(f.stored_refresh().reveal() == kSeedRefresh);
  // Next start: the old refresh token is still accepted (Xero's grace for an unreceived rotation).
  TokenManager restarted(f.io.get_executor(), f.client, f.store, f.options());
  auto token = test::run(f.io, restarted.access_token());
  REQUIRE(token.ok());
  CHECK(f.token_posts() == std::vector<int>{200, 200});
  // And the token set it committed keeps working.
  restarted.invalidate();
  REQUIRE(test::run(f.io, restarted.access_token()).ok());
  CHECK(f.token_posts() == std::vector<int>{200, 200, 200});
}

// Sage retires a refresh token as it answers with a new one: until the new one is saved, a kill
// loses it (design §3). So nothing comes between the answer and the save, not even a log line.
TEST_CASE("A rotated token is saved before anything is logged about the token endpoint's answer") {
  if (!have_sandbox()) return;
  Fixture f;
  f.store_expired("acme", kSeedRefresh);
  LogCapture logs;
  const log::Level level = log::min_level();
  log::configure(log::Level::debug);
  struct Restore {
    log::Level level;
    ~Restore() { log::configure(level); }
  } restore{level};

  // The store notes what had been logged when the save came.
  class ObservedStore final : public TokenStore {
   public:
    ObservedStore(TokenStore& inner, const LogCapture& logs) : inner_(inner), logs_(logs) {}
    Result<std::optional<TokenRecord>> load(const std::string& c) override { return inner_.load(c); }
    Status save(const TokenRecord& r) override {
      logged_before_save.push_back(logs_.records.size());
      return inner_.save(r);
    }
    Status set_state(const std::string& c, TokenState s) override { return inner_.set_state(c, s); }
    std::vector<std::size_t> logged_before_save;

   private:
    TokenStore& inner_;
    const LogCapture& logs_;
  } store(f.store, logs);

  TokenManager tokens(f.io.get_executor(), f.client, store, f.options());
  REQUIRE(test::run(f.io, tokens.access_token()).ok());
  REQUIRE(store.logged_before_save.size() == 1);
  for (std::size_t i = 0; i < store.logged_before_save.front(); ++i) {
    INFO(logs.records[i].message);
    CHECK(logs.records[i].message.find("token") == std::string::npos);
  }
  // The refresh is still logged, after the save.
  CHECK(logs.count("Refreshed the OAuth access token") == 1);
}

TEST_CASE("invalid_grant marks needs_authorization once and stops hitting the network") {
  if (!have_sandbox()) return;
  Fixture f;
  LogCapture logs;
  f.store_expired("acme", "revoked-refresh-token");
  f.store_expired("other", kSeedRefresh);
  TokenManager acme(f.io.get_executor(), f.client, f.store, f.options("acme"));
  TokenManager other(f.io.get_executor(), f.client, f.store, f.options("other"));
  for (int i = 0; i < 3; ++i) {
    auto r = test::run(f.io, acme.access_token());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == Errc::unauthorized);
    CHECK(r.error().message().find("capsyncctl connect acme") != std::string::npos);
  }
  CHECK(acme.needs_authorization());
  CHECK(logs.count("capsyncctl connect acme") == 1);
  CHECK(f.token_posts() == std::vector<int>{400});
  auto stored = f.store.load("acme");
  CHECK((*stored)->state == TokenState::needs_authorization);
  // A new manager (restart) reads the state and also stays off the network.
  TokenManager restarted(f.io.get_executor(), f.client, f.store, f.options("acme"));
  CHECK_FALSE(test::run(f.io, restarted.access_token()).ok());
  CHECK(f.token_posts().size() == 1);
  // Other connections are unaffected.
  CHECK(test::run(f.io, other.access_token()).ok());
  for (const auto& r : logs.records) CHECK(r.message.find("revoked-refresh-token") == std::string::npos);
}

TEST_CASE("A configured refresh token bootstraps an empty store") {
  if (!have_sandbox()) return;
  Fixture f;
  auto o = f.options();
  o.bootstrap_refresh_token = Secret(kSeedRefresh);
  TokenManager tokens(f.io.get_executor(), f.client, f.store, o);
  REQUIRE(test::run(f.io, tokens.access_token()).ok());
  CHECK(f.stored_refresh().reveal() != kSeedRefresh);
}

TEST_CASE("Client credentials in the Basic header are form-encoded first (RFC 6749 section 2.3.1)") {
  if (!have_sandbox()) return;
  Fixture f;
  // The sandbox's second Xero client: an id with ':' and '+', a secret with '+', '/', '=', '%' and ' '.
  auto o = f.options();
  o.profile.client_id = "sandbox:client+2";
  o.profile.client_secret = Secret("s3cret+/=%25 x");
  o.bootstrap_refresh_token = Secret("xero-sandbox-refresh-token-2");
  TokenManager tokens(f.io.get_executor(), f.client, f.store, o);
  auto r = test::run(f.io, tokens.access_token());
  CHECK(r.ok());
  CHECK(f.token_posts() == std::vector<int>{200});
}

TEST_CASE("Authorization code flow with PKCE, end to end against the sandbox") {
  if (!have_sandbox()) return;
  Fixture f;
  AuthorizationOptions o;
  o.connection = "fresh";
  o.profile = f.profile();
  o.timeout = 30s;
  AuthorizationSession session(f.io.get_executor(), f.client, f.store, o);
  auto url = session.begin();
  REQUIRE(url.ok());
  CHECK(url->find("code_challenge_method=S256") != std::string::npos);
  CHECK(url->find("offline_access") != std::string::npos);
  CHECK(session.redirect_uri().starts_with("http://127.0.0.1:"));

  std::optional<Result<TokenRecord>> done;
  test::spawn(f.io, [&]() -> boost::asio::awaitable<void> { done.emplace(co_await session.complete()); });
  // The "browser": follow the provider's redirect to our loopback listener.
  http::Request authorize;
  authorize.url = *url;
  auto redirect = test::run(f.io, f.client.send(authorize));
  REQUIRE(redirect.ok());
  REQUIRE(redirect->status == 302);
  auto location = redirect->header("Location");
  REQUIRE(location);
  CHECK(location->find("state=") != std::string::npos);
  http::Request callback;
  callback.url = std::string(*location);
  auto page = test::run(f.io, f.client.send(callback));
  REQUIRE(page.ok());
  CHECK(page->status == 200);
  f.io.restart();
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!done && std::chrono::steady_clock::now() < deadline) f.io.run_one_for(100ms);
  REQUIRE(done);
  REQUIRE(done->ok());
  CHECK_FALSE((*done)->refresh_token.empty());
  CHECK(f.token_posts() == std::vector<int>{200});
  // The stored token set refreshes.
  TokenManager tokens(f.io.get_executor(), f.client, f.store, f.options("fresh"));
  tokens.invalidate();
  REQUIRE(test::run(f.io, tokens.access_token()).ok());
}

TEST_CASE("A forged state is refused") {
  if (!have_sandbox()) return;
  Fixture f;
  AuthorizationOptions o;
  o.connection = "forged";
  o.profile = f.profile();
  AuthorizationSession session(f.io.get_executor(), f.client, f.store, o);
  REQUIRE(session.begin().ok());
  std::optional<Result<TokenRecord>> done;
  test::spawn(f.io, [&]() -> boost::asio::awaitable<void> { done.emplace(co_await session.complete()); });
  http::Request callback;
  callback.url = session.redirect_uri() + "?code=abc&state=not-the-state";
  auto page = test::run(f.io, f.client.send(callback));
  REQUIRE(page.ok());
  CHECK(page->status == 400);
  f.io.restart();
  while (!done) f.io.run_one_for(100ms);
  REQUIRE_FALSE(done->ok());
  CHECK((*done).error().code() == Errc::unauthorized);
  CHECK(f.token_posts().empty());
}

TEST_CASE("PKCE challenge matches RFC 7636 appendix B") {
  CHECK(code_challenge_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") ==
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  CHECK(random_urlsafe(32).size() == 43);
}

TEST_CASE("SqliteTokenStore round-trips a token set and the needs_authorization state") {
  test::TempDir dir;  // removed with the database's -wal and -shm files, after the database closes
  auto db = store::Database::open(dir.file("capsync.db"), {});
  REQUIRE(db.ok());
  SqliteTokenStore tokens(**db);
  CHECK_FALSE(tokens.load("acme")->has_value());
  TokenRecord r;
  r.connection = "acme";
  r.access_token = Secret("a1");
  r.refresh_token = Secret("r1");
  r.expires_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123));
  r.tenant_id = "t";
  r.updated_at = r.expires_at;
  REQUIRE(tokens.save(r).ok());
  auto loaded = tokens.load("acme");
  REQUIRE(loaded->has_value());
  CHECK((*loaded)->refresh_token.reveal() == "r1");
  CHECK((*loaded)->expires_at == r.expires_at);
  REQUIRE(tokens.set_state("acme", TokenState::needs_authorization).ok());
  CHECK((*tokens.load("acme"))->state == TokenState::needs_authorization);
  CHECK((*tokens.load("acme"))->refresh_token.reveal() == "r1");
}

TEST_CASE("SqliteTokenStore::state reads the recorded state alone, and nothing before the first record") {
  test::TempDir dir;
  auto db = store::Database::open(dir.file("capsync.db"), {});
  REQUIRE(db.ok());
  SqliteTokenStore tokens(**db);
  auto state = tokens.state("acme");
  REQUIRE(state.ok());
  CHECK_FALSE(state->has_value());
  REQUIRE(tokens.set_state("acme", TokenState::credentials_rejected).ok());
  REQUIRE(tokens.set_state("other", TokenState::needs_authorization).ok());
  state = tokens.state("acme");
  REQUIRE(state.ok());
  CHECK(*state == TokenState::credentials_rejected);
  REQUIRE(tokens.set_state("acme", TokenState::ok).ok());
  CHECK(*tokens.state("acme") == TokenState::ok);
  CHECK(*tokens.state("other") == TokenState::needs_authorization);
}

TEST_CASE("A token answer's lifetime is bounded, whatever number the server sends") {
  auto huge = parse_token_response(R"({"access_token":"a","expires_in":1e19})");
  REQUIRE(huge.ok());
  CHECK(huge->expires_in == std::chrono::hours(24 * 366));
  auto huge_text = parse_token_response(R"({"access_token":"a","expires_in":"99999999999999999999999"})");
  REQUIRE(huge_text.ok());
  CHECK(huge_text->expires_in == std::chrono::hours(24 * 366));
  auto usual = parse_token_response(R"({"access_token":"a","expires_in":"1800"})");
  REQUIRE(usual.ok());
  CHECK(usual->expires_in == 1800s);
  auto junk = parse_token_response(R"({"access_token":"a","expires_in":"soon"})");
  REQUIRE(junk.ok());
  CHECK(junk->expires_in == 300s);  // unknown: assumed short
}
