// OAuthApi over the real HTTP client against a loopback server: the one retry after a 401,
// a 401 a fresh token cannot cure, headers added once the tenant is known, and how failures
// are named.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/connector/oauth_api.hpp"
#include "test/unit/http/run.hpp"
#include "test/unit/http/test_server.hpp"

using namespace capsync;
using namespace std::chrono_literals;
using capsync::test::http_reply;
using capsync::test::Reply;
using capsync::test::TestServer;

namespace {

class CountingTokens final : public connector::TokenSource {
 public:
  int issued = 0, invalidated = 0;
  bool fail = false;
  boost::asio::awaitable<Result<Secret>> access_token() override {
    if (fail) co_return Error(Errc::unauthorized, "the refresh token was revoked");
    co_return Secret(fmt::format("token-{}", ++issued));
  }
  void invalidate() override { ++invalidated; }
};

Error refused(const http::Response& response, std::string_view what) {
  return make_error(Errc::http, "Demo refused {} ({})", what, response.status);
}

// Each request's head, lower-cased, so header names compare as HTTP compares them.
struct Recorder {
  std::vector<std::string> heads;
  std::vector<std::string> replies;
  TestServer::Handler handler() {
    return [this](const test::RawRequest& r, int i) {
      std::string head = r.head;
      std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
      heads.push_back(head);
      return Reply{replies.at(static_cast<std::size_t>(i))};
    };
  }
};

struct Fixture {
  boost::asio::io_context io;
  Recorder recorder;
  TestServer server{io, recorder.handler()};
  http::Client client{io.get_executor(), http::ClientOptions{}};
  connector::ClientSender sender{client, "acme", "demo"};
  CountingTokens tokens;

  connector::OAuthApiSettings settings() const {
    return {.provider = "Demo",
            .base_url = server.url("/api/"),
            .timeout = 5s,
            .gate = nullptr,
            .accept_body = {},
            .map_error = &refused,
            .fresh_token_may_help = {}};
  }
};

}  // namespace

TEST_CASE("OAuthApi connector calls: a 401 gets one fresh token and one retry, a second 401 stands") {
  Fixture f;
  connector::OAuthApi api(f.sender, f.tokens, f.settings());
  f.recorder.replies = {http_reply(401, "{}"), http_reply(200, R"({"ok":true})"), http_reply(401, "{}"),
                        http_reply(401, "{}")};

  auto first = test::run(f.io, api.get_ok("/contacts", "the contacts"));
  REQUIRE(first);
  CHECK(first->body == R"({"ok":true})");
  REQUIRE(f.recorder.heads.size() == 2);
  CHECK(f.recorder.heads[0].starts_with("get /api/contacts "));
  CHECK(f.recorder.heads[0].find("authorization: bearer token-1") != std::string::npos);
  CHECK(f.recorder.heads[1].find("authorization: bearer token-2") != std::string::npos);
  CHECK(f.tokens.invalidated == 1);

  auto second = test::run(f.io, api.get_ok("/contacts/7", "contact 7"));
  REQUIRE(!second);
  CHECK(second.error().message() == "Demo refused contact 7 (401)");
  CHECK(f.recorder.heads.size() == 4);
  CHECK(f.tokens.invalidated == 2);
}

TEST_CASE("OAuthApi connector calls: a 401 a fresh token cannot cure is answered at once") {
  Fixture f;
  auto settings = f.settings();
  settings.fresh_token_may_help = [](const http::Response& r) {
    return r.body.find("subscription") == std::string::npos;
  };
  connector::OAuthApi api(f.sender, f.tokens, settings);
  f.recorder.replies = {http_reply(401, R"({"message":"No active subscription"})")};

  auto response = test::run(f.io, api.call(api.request(http::Method::get, "/contacts")));
  REQUIRE(response);
  CHECK(response->status == 401);
  CHECK(f.recorder.heads.size() == 1);
  CHECK(f.tokens.invalidated == 0);
}

TEST_CASE("OAuthApi connector calls: set headers go on later calls, once each; failures name what was asked") {
  Fixture f;
  connector::OAuthApi api(f.sender, f.tokens, f.settings());
  f.recorder.replies = {http_reply(200, "[]"), http_reply(200, "{}")};

  REQUIRE(test::run(f.io, api.call(api.request(http::Method::get, "/tenants"))));
  api.set_header("Demo-Tenant", "t-0");
  api.set_header("demo-tenant", "t-1");  // replaces: one tenant at a time
  auto r = api.request(http::Method::put, "/contacts/7");
  r.body = "{}";
  r.content_type = "application/json";
  r.retry_safe = true;
  REQUIRE(test::run(f.io, api.call_ok(std::move(r), "update", "contact 7")));
  REQUIRE(f.recorder.heads.size() == 2);
  CHECK(f.recorder.heads[0].find("demo-tenant:") == std::string::npos);
  CHECK(f.recorder.heads[1].starts_with("put /api/contacts/7 "));
  CHECK(f.recorder.heads[1].find("demo-tenant: t-1") != std::string::npos);
  CHECK(f.recorder.heads[1].find("t-0") == std::string::npos);
  CHECK(f.recorder.heads[1].find("accept: application/json") != std::string::npos);

  f.tokens.fail = true;
  auto no_token = test::run(f.io, api.get_ok("/contacts", "the contacts"));
  REQUIRE(!no_token);
  CHECK(no_token.error().code() == Errc::unauthorized);
  CHECK(no_token.error().message() ==
        "Failed to fetch the contacts: Failed to get a Demo access token: the refresh token was revoked");
  CHECK(f.recorder.heads.size() == 2);
}
