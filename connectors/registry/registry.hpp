#pragma once
// The provider registry: everything capsync knows about each accounting service, one entry per
// service — its traits (config name, login kind, default endpoints, keys, export field names,
// webhooks, quotes), its rate limits, its OAuth profile and how its connector is built. Adding
// a service is a folder under connectors/ and one entry here; nothing in core/ names one.

#include <memory>
#include <span>
#include <string_view>

#include "core/config/provider.hpp"
#include "core/config/settings.hpp"
#include "core/connector/accounting_connector.hpp"
#include "core/connector/http_sender.hpp"
#include "core/connector/password_login.hpp"
#include "core/error/result.hpp"
#include "core/http/request.hpp"
#include "core/oauth/oauth_profile.hpp"
#include "core/ratelimit/limits.hpp"

namespace capsync::registry {

// What a connector is built from; all of it outlives the connector.
struct ConnectorInputs {
  const config::AccountingSettings& settings;
  connector::HttpSender& sender;
  http::RequestGate* gate;              // the connection's rate limiter for this service
  connector::TokenSource* oauth_token;  // Login::oauth2 services; null for Login::password
};

struct ConnectorParts {
  std::unique_ptr<connector::PasswordLogin> login;  // Login::password services: the session
  std::unique_ptr<connector::AccountingConnector> connector;  // uses `login` when there is one
};

struct ProviderEntry {
  config::ProviderTraits traits;
  ratelimit::Limits limits;
  oauth::OAuthProfile oauth;  // Login::oauth2: defaults, without the client's credentials
  ConnectorParts (*make)(const ConnectorInputs& inputs);
};

std::span<const ProviderEntry> providers();
// The entry named `name`; an unknown name is an error that lists the known ones.
Result<const ProviderEntry*> find(std::string_view name);
// The traits of every entry, for loading the config.
const config::ProviderCatalog& catalog();

// The connection's OAuth profile: the entry's defaults, the configured token and authorize URLs
// and the client's credentials.
Result<oauth::OAuthProfile> oauth_profile(const config::AccountingSettings& settings);

// Capsule's own side.
ratelimit::Limits capsule_limits();
oauth::OAuthProfile capsule_oauth_profile();
// The connection's Capsule OAuth profile: Capsule's defaults, the configured URLs and the
// registered app's credentials (capsule.oauth); Errc::invalid_argument without an app.
Result<oauth::OAuthProfile> capsule_oauth_profile(std::string_view connection, const config::CapsuleSettings& settings);
// The token store key of a connection's Capsule OAuth tokens, apart from its accounting
// tokens (stored under the connection's name, which never holds a ':').
std::string capsule_token_key(std::string_view connection);

}  // namespace capsync::registry
