#include "connectors/registry/live_connectors.hpp"

#include <cstdlib>

#include "connectors/capsule/capsule_auth.hpp"
#include "connectors/capsule/capsule_connector.hpp"
#include "connectors/capsule/personal_token.hpp"
#include "connectors/freshbooks/callbacks.hpp"
#include "connectors/registry/registry.hpp"
#include "core/config/secret_file.hpp"
#include "core/connector/oauth_token_source.hpp"
#include "core/http/url.hpp"
#include "core/log/log.hpp"
#include "core/oauth/sqlite_token_store.hpp"
#include "core/oauth/token_manager.hpp"
#include "core/ratelimit/rate_limiter.hpp"
#include "core/ratelimit/sqlite_budget_store.hpp"

namespace capsync::registry {
namespace {

// The sandbox's --time-scale divides the providers' rate windows; CAPSYNC_RATE_TIME_SCALE tells
// the limiters the same, so tests and benchmarks run under the real limits, time-compressed.
// Only for a loopback base URL: a real provider always gets its real limits.
double rate_time_scale(std::string_view base_url) {
  auto url = http::parse_url(base_url);
  if (!url || !http::is_loopback_host(url->host)) return 1.0;
  const char* text = std::getenv("CAPSYNC_RATE_TIME_SCALE");
  if (text == nullptr) return 1.0;
  char* end = nullptr;
  const double scale = std::strtod(text, &end);
  return end != text && scale >= 1.0 ? scale : 1.0;
}

}  // namespace

struct LiveConnectors::Impl {
  struct Connection {
    std::unique_ptr<ratelimit::RateLimiter> capsule_limiter, accounting_limiter;
    std::unique_ptr<connector::ClientSender> capsule_sender, accounting_sender;
    std::unique_ptr<capsule::PersonalToken> capsule_token;
    std::unique_ptr<oauth::TokenManager> capsule_token_manager;  // with a registered Capsule app
    std::unique_ptr<connector::OAuthTokenSource> capsule_oauth_token;
    std::unique_ptr<capsule::CapsuleAuth> capsule_auth;
    std::unique_ptr<oauth::TokenManager> token_manager;
    std::unique_ptr<connector::OAuthTokenSource> accounting_token;
    std::unique_ptr<connector::PasswordLogin> password_login;
    std::unique_ptr<connector::CapsuleConnector> capsule;
    std::unique_ptr<connector::AccountingConnector> accounting;
    std::unique_ptr<freshbooks::Callbacks> freshbooks_callbacks;  // built on first use
  };
  boost::asio::any_io_executor executor;
  http::Client client;
  oauth::SqliteTokenStore tokens;
  ratelimit::SqliteBudgetStore budgets;
  std::map<std::string, std::unique_ptr<Connection>> connections;

  static http::ClientOptions client_options(std::string ca_file) {
    http::ClientOptions o;
    o.ca_file = std::move(ca_file);
    return o;
  }
  Impl(boost::asio::any_io_executor ex, store::Database& db, std::string ca_file)
      : executor(ex), client(ex, client_options(std::move(ca_file))), tokens(db), budgets(db) {}

  std::unique_ptr<ratelimit::RateLimiter> limiter(const std::string& connection, ratelimit::Limits limits,
                                                  std::string_view base_url) {
    ratelimit::RateLimiterOptions o;
    o.connection = connection;
    o.limits = std::move(limits);
    o.store = &budgets;
    o.time_scale = rate_time_scale(base_url);
    return std::make_unique<ratelimit::RateLimiter>(executor, std::move(o));
  }
};

LiveConnectors::LiveConnectors(boost::asio::any_io_executor executor, store::Database& db, std::string ca_file)
    : impl_(std::make_unique<Impl>(std::move(executor), db, std::move(ca_file))) {}

LiveConnectors::~LiveConnectors() = default;

void LiveConnectors::reload_credentials(const std::string& connection) {
  auto it = impl_->connections.find(connection);
  if (it == impl_->connections.end()) return;
  if (it->second->token_manager) it->second->token_manager->reload();
  if (it->second->capsule_token_manager) it->second->capsule_token_manager->reload();
  it->second->capsule_auth->reload();
  it->second->accounting->forget_tenant();
  if (it->second->password_login) it->second->password_login->retry();
}

bool LiveConnectors::update_credentials(const config::ConnectionConfig& c) {
  auto it = impl_->connections.find(c.name);
  if (it == impl_->connections.end() || !it->second->password_login) return false;
  auto& login = *it->second->password_login;
  const bool was_refused = login.refused();
  if (!login.set_credentials(c.accounting)) return false;
  log::notice({.connection = c.name, .provider = std::string(c.accounting.provider.name)},
              "The {} login of connection {} changed in the config{}", c.accounting.provider.display, c.name,
              was_refused ? "; the refused login is cleared and the next job logs in once with the new one" : "");
  return true;
}

std::string LiveConnectors::capsule_auth(const std::string& connection) const {
  auto it = impl_->connections.find(connection);
  if (it == impl_->connections.end()) return "unknown";
  const auto& conn = *it->second;
  if (conn.capsule_auth->uses_oauth())
    return conn.capsule_token_manager->needs_authorization() ? "needs_new_token" : "ok";
  return std::string(capsule::to_string(conn.capsule_token->state()));
}

void LiveConnectors::flush_budgets() {
  for (auto& [name, conn] : impl_->connections)
    for (auto* limiter : {conn->capsule_limiter.get(), conn->accounting_limiter.get()})
      if (limiter != nullptr) (void)limiter->flush();
}

Result<capsule::CapsuleClient*> LiveConnectors::capsule_app_client(const config::ConnectionConfig& c) {
  if (auto built = connectors(c); !built) return built.error();
  auto& conn = *impl_->connections.at(c.name);
  if (!conn.capsule_auth->uses_oauth()) return nullptr;
  return static_cast<capsule::CapsuleClient*>(conn.capsule.get());
}

boost::asio::awaitable<Result<freshbooks::Callbacks*>> LiveConnectors::freshbooks_callbacks(
    const config::ConnectionConfig& c) {
  if (c.accounting.provider.name != "freshbooks")
    co_return make_error(Errc::invalid_argument, "connection \"{}\" is not a FreshBooks connection", c.name);
  if (auto built = connectors(c); !built) co_return built.error();
  auto& conn = *impl_->connections.at(c.name);
  if (!conn.freshbooks_callbacks) {
    auto tenant = co_await conn.accounting->tenant();
    if (!tenant) co_return tenant.error();
    freshbooks::FreshBooksSettings s;
    s.base_url = c.accounting.base_url;
    s.gate = conn.accounting_limiter.get();
    s.account_id = tenant->id;
    conn.freshbooks_callbacks = std::make_unique<freshbooks::Callbacks>(*conn.accounting_sender, *conn.accounting_token,
                                                                       s, tenant->id);
  }
  co_return conn.freshbooks_callbacks.get();
}

Result<engine::Connectors> LiveConnectors::connectors(const config::ConnectionConfig& c) {
  auto it = impl_->connections.find(c.name);
  if (it != impl_->connections.end())
    return engine::Connectors{it->second->capsule.get(), it->second->accounting.get()};
  auto entry = find(c.accounting.provider.name);
  if (!entry) return entry.error().with_context(fmt::format("connection \"{}\"", c.name));
  const ProviderEntry& provider = **entry;
  const std::string provider_name(provider.traits.name);
  auto conn = std::make_unique<Impl::Connection>();
  conn->capsule_sender = std::make_unique<connector::ClientSender>(impl_->client, c.name, "capsule");
  capsule::PersonalToken::Reread reread;
  if (const std::string path = c.capsule.token.origin(); !path.empty()) {
    reread = [path]() -> Result<Secret> {
      auto read = config::read_secret_file(path);
      if (!read) return read.error();
      return read->value;
    };
  }
  conn->capsule_token = std::make_unique<capsule::PersonalToken>(c.capsule.token, std::move(reread), c.name);
  conn->capsule_limiter = impl_->limiter(c.name, capsule_limits(), c.capsule.base_url);
  capsule::CapsuleSettings cs;
  cs.base_url = c.capsule.base_url;
  cs.gate = conn->capsule_limiter.get();
  capsule::CapsuleAuth::Authorized authorized;
  if (c.capsule.oauth) {
    auto profile = capsule_oauth_profile(c.name, c.capsule);
    if (!profile) return profile.error();
    oauth::TokenManagerOptions tm;
    tm.connection = capsule_token_key(c.name);
    tm.profile = std::move(*profile);
    conn->capsule_token_manager =
        std::make_unique<oauth::TokenManager>(impl_->executor, impl_->client, impl_->tokens, std::move(tm));
    conn->capsule_oauth_token = std::make_unique<connector::OAuthTokenSource>(*conn->capsule_token_manager);
    authorized = [tokens = &impl_->tokens, key = capsule_token_key(c.name)] {
      auto stored = tokens->load(key);
      return stored && *stored && (*stored)->state == oauth::TokenState::ok && !(*stored)->access_token.empty();
    };
  }
  conn->capsule_auth = std::make_unique<capsule::CapsuleAuth>(*conn->capsule_token, conn->capsule_oauth_token.get(),
                                                             std::move(authorized));
  conn->capsule = std::make_unique<capsule::CapsuleClient>(*conn->capsule_sender, *conn->capsule_auth, cs);

  if (provider.traits.login == config::Login::oauth2) {
    auto profile = oauth_profile(c.accounting);
    if (!profile) return profile.error();
    oauth::TokenManagerOptions tm;
    tm.connection = c.name;
    tm.profile = std::move(*profile);
    tm.bootstrap_refresh_token = c.accounting.refresh_token;
    conn->token_manager =
        std::make_unique<oauth::TokenManager>(impl_->executor, impl_->client, impl_->tokens, std::move(tm));
    conn->accounting_token = std::make_unique<connector::OAuthTokenSource>(*conn->token_manager);
  }
  conn->accounting_sender = std::make_unique<connector::ClientSender>(impl_->client, c.name, provider_name);
  conn->accounting_limiter = impl_->limiter(c.name, provider.limits, c.accounting.base_url);
  auto parts = provider.make(ConnectorInputs{c.accounting, *conn->accounting_sender, conn->accounting_limiter.get(),
                                             conn->accounting_token.get()});
  conn->password_login = std::move(parts.login);
  conn->accounting = std::move(parts.connector);

  engine::Connectors out{conn->capsule.get(), conn->accounting.get()};
  impl_->connections.emplace(c.name, std::move(conn));
  return out;
}

}  // namespace capsync::registry
