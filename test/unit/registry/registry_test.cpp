#include <set>

#include <catch2/catch.hpp>

#include "connectors/registry/registry.hpp"

using namespace capsync;

namespace {

// Builds connectors without sending: no test here runs a request.
struct NoSender final : connector::HttpSender {
  boost::asio::awaitable<Result<http::Response>> send(http::Request) override {
    co_return make_error(Errc::unsupported, "no requests in this test");
  }
};
struct NoToken final : connector::TokenSource {
  boost::asio::awaitable<Result<Secret>> access_token() override {
    co_return make_error(Errc::unsupported, "no tokens in this test");
  }
  void invalidate() override {}
};

}  // namespace

TEST_CASE("registry: an unknown provider name is an error naming the known ones, never a default", "[registry]") {
  auto found = registry::find("xeroo");
  REQUIRE_FALSE(found);
  CHECK(found.error().code() == Errc::invalid_argument);
  CHECK(found.error().message() ==
        "unknown provider \"xeroo\": this build knows xero, freshbooks, kashflow, freeagent, sage");
  CHECK_FALSE(registry::find(""));
  CHECK(registry::catalog().find("xeroo") == nullptr);
}

TEST_CASE("registry: the catalog holds every entry's traits, one per name", "[registry]") {
  std::set<std::string_view> names;
  REQUIRE(registry::catalog().all().size() == registry::providers().size());
  for (const auto& entry : registry::providers()) {
    INFO(entry.traits.name);
    CHECK(names.insert(entry.traits.name).second);
    const config::ProviderTraits* traits = registry::catalog().find(entry.traits.name);
    REQUIRE(traits != nullptr);
    CHECK(traits->display == entry.traits.display);
    CHECK(registry::find(entry.traits.name).value() == &entry);
    // Budgets are saved under the provider's name, so the limits must carry it.
    CHECK(entry.limits.provider == entry.traits.name);
    CHECK_FALSE(entry.limits.windows.empty());
    CHECK(entry.traits.endpoints.base_url.starts_with("https://"));
    CHECK_FALSE(entry.traits.export_fields.name.empty());
    CHECK(entry.make != nullptr);
  }
}

TEST_CASE("registry: an OAuth provider's profile has its endpoints, the configured URLs and the client", "[registry]") {
  for (const auto& entry : registry::providers()) {
    if (entry.traits.login != config::Login::oauth2) continue;
    INFO(entry.traits.name);
    CHECK(entry.oauth.provider == entry.traits.name);
    CHECK(entry.oauth.token_url == entry.traits.endpoints.token_url);
    CHECK(entry.oauth.authorize_url == entry.traits.endpoints.authorize_url);
    config::AccountingSettings settings;
    settings.provider = entry.traits;
    settings.token_url = "http://127.0.0.1:9/token";
    settings.client_id = "client";
    settings.client_secret = Secret("secret");
    auto profile = registry::oauth_profile(settings);
    REQUIRE(profile);
    CHECK(profile->token_url == "http://127.0.0.1:9/token");
    CHECK(profile->authorize_url == entry.traits.endpoints.authorize_url);
    CHECK(profile->client_id == "client");
    CHECK(profile->client_secret == Secret("secret"));
    CHECK(profile->client_auth == entry.oauth.client_auth);
  }
}

TEST_CASE("registry: a password-login provider has no OAuth profile", "[registry]") {
  for (const auto& entry : registry::providers()) {
    if (entry.traits.login != config::Login::password) continue;
    config::AccountingSettings settings;
    settings.provider = entry.traits;
    auto profile = registry::oauth_profile(settings);
    REQUIRE_FALSE(profile);
    CHECK(profile.error().message() == fmt::format("{} does not use OAuth", entry.traits.display));
  }
}

TEST_CASE("registry: each entry builds a connector that names its provider", "[registry]") {
  for (const auto& entry : registry::providers()) {
    INFO(entry.traits.name);
    NoSender sender;
    NoToken token;
    config::AccountingSettings settings;
    settings.provider = entry.traits;
    settings.base_url = std::string(entry.traits.endpoints.base_url);
    settings.username = "ops";
    const bool oauth = entry.traits.login == config::Login::oauth2;
    auto parts = entry.make({settings, sender, nullptr, oauth ? &token : nullptr});
    REQUIRE(parts.connector);
    CHECK(parts.connector->provider() == entry.traits.name);
    // A password login is kept beside the connector, so a reload can hand it new credentials.
    CHECK((parts.login != nullptr) == !oauth);
  }
}
