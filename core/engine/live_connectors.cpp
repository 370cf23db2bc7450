#include "core/engine/live_connectors.hpp"

#include <cstdlib>

#include "connectors/capsule/capsule_connector.hpp"
#include "connectors/capsule/personal_token.hpp"
#include "connectors/freeagent/freeagent_connector.hpp"
#include "connectors/freshbooks/freshbooks_connector.hpp"
#include "connectors/kashflow/kashflow_connector.hpp"
#include "connectors/kashflow/session_tokens.hpp"
#include "connectors/sage/sage_connector.hpp"
#include "connectors/xero/xero_connector.hpp"
#include "core/config/secret_file.hpp"
#include "core/connector/oauth_token_source.hpp"
#include "core/http/url.hpp"
#include "core/log/log.hpp"
#include "core/oauth/oauth_profile.hpp"
#include "core/oauth/sqlite_token_store.hpp"
#include "core/oauth/token_manager.hpp"
#include "core/ratelimit/rate_limiter.hpp"
#include "core/ratelimit/sqlite_budget_store.hpp"

namespace capsync::engine {
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
    std::unique_ptr<oauth::TokenManager> token_manager;
    std::unique_ptr<connector::OAuthTokenSource> accounting_token;
    std::unique_ptr<kashflow::SessionTokens> session_tokens;  // KashFlow: no OAuth
    std::unique_ptr<connector::CapsuleConnector> capsule;
    std::unique_ptr<connector::AccountingConnector> accounting;
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

  std::unique_ptr<ratelimit::RateLimiter> limiter(const std::string& connection, std::string_view provider,
                                                  std::string_view base_url) {
    ratelimit::RateLimiterOptions o;
    o.connection = connection;
    o.limits = ratelimit::default_limits(provider);
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
  if (it->second->session_tokens) it->second->session_tokens->retry();
}

bool LiveConnectors::update_credentials(const config::ConnectionConfig& c) {
  auto it = impl_->connections.find(c.name);
  if (it == impl_->connections.end() || !it->second->session_tokens) return false;
  auto& session = *it->second->session_tokens;
  const bool was_refused = session.refused();
  if (!session.set_credentials(c.accounting.username, c.accounting.password, c.accounting.memorable_word))
    return false;
  log::notice({.connection = c.name, .provider = config::to_string(c.accounting.provider)},
              "The KashFlow login of connection {} changed in the config{}", c.name,
              was_refused ? "; the refused login is cleared and the next job logs in once with the new one" : "");
  return true;
}

std::string LiveConnectors::capsule_auth(const std::string& connection) const {
  auto it = impl_->connections.find(connection);
  if (it == impl_->connections.end()) return "unknown";
  return std::string(capsule::to_string(it->second->capsule_token->state()));
}

void LiveConnectors::flush_budgets() {
  for (auto& [name, conn] : impl_->connections)
    for (auto* limiter : {conn->capsule_limiter.get(), conn->accounting_limiter.get()})
      if (limiter != nullptr) (void)limiter->flush();
}

Result<Connectors> LiveConnectors::connectors(const config::ConnectionConfig& c) {
  auto it = impl_->connections.find(c.name);
  if (it != impl_->connections.end()) return Connectors{it->second->capsule.get(), it->second->accounting.get()};
  const config::Provider provider = c.accounting.provider;
  const std::string provider_name(config::to_string(provider));
  if (provider != config::Provider::xero && provider != config::Provider::freeagent &&
      provider != config::Provider::sage && provider != config::Provider::kashflow &&
      provider != config::Provider::freshbooks)
    return make_error(Errc::unsupported, "connection \"{}\": the {} connector is not available in this build", c.name,
                      config::to_string(c.accounting.provider));
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
  conn->capsule_limiter = impl_->limiter(c.name, "capsule", c.capsule.base_url);
  capsule::CapsuleSettings cs;
  cs.base_url = c.capsule.base_url;
  cs.gate = conn->capsule_limiter.get();
  conn->capsule = std::make_unique<capsule::CapsuleClient>(*conn->capsule_sender, *conn->capsule_token, cs);

  if (config::uses_oauth(provider)) {
    oauth::TokenManagerOptions tm;
    tm.connection = c.name;
    tm.profile = oauth::configured_profile(provider_name, c.accounting.token_url, c.accounting.authorize_url,
                                           c.accounting.client_id, c.accounting.client_secret);
    tm.bootstrap_refresh_token = c.accounting.refresh_token;
    conn->token_manager =
        std::make_unique<oauth::TokenManager>(impl_->executor, impl_->client, impl_->tokens, std::move(tm));
    conn->accounting_token = std::make_unique<connector::OAuthTokenSource>(*conn->token_manager);
  }
  conn->accounting_sender = std::make_unique<connector::ClientSender>(impl_->client, c.name, provider_name);
  conn->accounting_limiter = impl_->limiter(c.name, provider_name, c.accounting.base_url);
  switch (provider) {
    case config::Provider::freeagent: {
      freeagent::FreeAgentSettings fs;
      if (!c.accounting.base_url.empty()) fs.base_url = c.accounting.base_url;
      fs.gate = conn->accounting_limiter.get();
      conn->accounting =
          std::make_unique<freeagent::FreeAgentConnector>(*conn->accounting_sender, *conn->accounting_token, fs);
      break;
    }
    case config::Provider::kashflow: {
      kashflow::SessionLogin login;
      if (!c.accounting.base_url.empty()) login.base_url = c.accounting.base_url;
      login.username = c.accounting.username;
      login.password = c.accounting.password;
      login.memorable_word = c.accounting.memorable_word;
      login.gate = conn->accounting_limiter.get();
      conn->session_tokens = std::make_unique<kashflow::SessionTokens>(*conn->accounting_sender, std::move(login));
      kashflow::KashFlowSettings ks;
      if (!c.accounting.base_url.empty()) ks.base_url = c.accounting.base_url;
      ks.username = c.accounting.username;
      ks.gate = conn->accounting_limiter.get();
      conn->accounting =
          std::make_unique<kashflow::KashFlowConnector>(*conn->accounting_sender, *conn->session_tokens, ks);
      break;
    }
    case config::Provider::freshbooks: {
      freshbooks::FreshBooksSettings fs;
      if (!c.accounting.base_url.empty()) fs.base_url = c.accounting.base_url;
      fs.gate = conn->accounting_limiter.get();
      fs.account_id = c.accounting.account_id;
      conn->accounting =
          std::make_unique<freshbooks::FreshBooksConnector>(*conn->accounting_sender, *conn->accounting_token, fs);
      break;
    }
    case config::Provider::sage: {
      sage::SageSettings ss;
      if (!c.accounting.base_url.empty()) ss.base_url = c.accounting.base_url;
      ss.gate = conn->accounting_limiter.get();
      ss.business_id = c.accounting.business_id;
      conn->accounting = std::make_unique<sage::SageConnector>(*conn->accounting_sender, *conn->accounting_token, ss);
      break;
    }
    default: {
      xero::XeroSettings xs;
      if (!c.accounting.base_url.empty()) xs.base_url = c.accounting.base_url;
      xs.gate = conn->accounting_limiter.get();
      xs.tenant_id = c.accounting.tenant_id;
      conn->accounting = std::make_unique<xero::XeroConnector>(*conn->accounting_sender, *conn->accounting_token, xs);
    }
  }

  Connectors out{conn->capsule.get(), conn->accounting.get()};
  impl_->connections.emplace(c.name, std::move(conn));
  return out;
}

}  // namespace capsync::engine
