#include "test/unit/connectors/connector_sandbox_fixture.hpp"

#include <fstream>

#include "core/oauth/oauth_profile.hpp"
#include "connectors/registry/registry.hpp"

namespace capsync::test {

ConnectorSandboxFixture::ConnectorSandboxFixture(const std::string& seed_text, std::string_view provider,
                                                 std::string_view token_path, http::ClientOptions client_options)
    : client(io.get_executor(), std::move(client_options)) {
  const std::string seed_path = dir.file("seed.json");
  std::ofstream(seed_path) << seed_text;
  sandbox = std::make_unique<SandboxProcess>(std::vector<std::string>{"--seed", seed_path});
  REQUIRE(sandbox->running());
  oauth::TokenManagerOptions o;
  o.connection = "acme";
  o.profile = registry::find(provider).value()->oauth;
  o.profile.token_url = sandbox->base_url() + std::string(token_path);
  o.profile.client_id = "sandbox-client-id";
  o.profile.client_secret = Secret("sandbox-client-secret");
  o.bootstrap_refresh_token = Secret(std::string(provider) + "-sandbox-refresh-token");
  tokens = std::make_unique<oauth::TokenManager>(io.get_executor(), client, store, std::move(o));
  source = std::make_unique<connector::OAuthTokenSource>(*tokens);
  sender = std::make_unique<connector::ClientSender>(client, "acme", std::string(provider));
}

http::Response ConnectorSandboxFixture::send(http::Method method, const std::string& path, std::string body,
                                             const http::Headers& headers) {
  auto token = run(source->access_token());
  REQUIRE(token);
  http::Request r;
  r.method = method;
  r.url = sandbox->base_url() + path;
  r.bearer = *token;
  r.headers = headers;
  r.body = std::move(body);
  if (!r.body.empty()) r.content_type = "application/json";
  auto response = run(client.send(r));
  REQUIRE(response);
  return *response;
}

}  // namespace capsync::test
