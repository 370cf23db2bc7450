#pragma once
// LiveConnectors: the ConnectorSource capsyncd uses — one shared http::Client, and per
// connection a Capsule client (its OAuth token once authorized, else the personal token) and
// the accounting connector its provider's registry entry builds (OAuth through
// oauth::TokenManager, or the entry's password login).
// Built on first use, kept for the process; only a password login follows a changed config
// (update_credentials).
//
// Both live in the state database: OAuth tokens (a rotated refresh token survives a restart;
// the config's refresh_token only bootstraps an empty store) and each (connection, provider)
// rate budget. Every request of a connector passes its rate limiter, built from the provider's
// documented limits and corrected by the limit headers of each response.
//
// Environment, for tests and benchmarks only: CAPSYNC_RATE_TIME_SCALE=N divides the limiters'
// windows by N, as capsync-sandbox --time-scale N divides the providers'; honoured only for
// loopback base URLs, so a real provider is never sent more than its limits allow.

#include <map>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/engine/sync_context.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::capsule {
class CapsuleClient;
}
namespace capsync::freshbooks {
class Callbacks;
}

namespace capsync::registry {

class LiveConnectors final : public engine::ConnectorSource {
 public:
  // `db` is the state database; it must outlive this object (the limiters save on destruction).
  LiveConnectors(boost::asio::any_io_executor executor, store::Database& db, std::string ca_file);
  ~LiveConnectors() override;
  LiveConnectors(const LiveConnectors&) = delete;
  LiveConnectors& operator=(const LiveConnectors&) = delete;

  Result<engine::Connectors> connectors(const config::ConnectionConfig& connection) override;
  void reload_credentials(const std::string& connection) override;
  // A password login: new credentials replace the session's and clear a refusal.
  bool update_credentials(const config::ConnectionConfig& connection) override;
  // Whether Capsule accepts the connection's token: "ok", "needs_new_token" (refused twice,
  // the second time after re-reading the token file; with Capsule OAuth: its refresh was
  // refused) or "unknown" (not asked yet).
  std::string capsule_auth(const std::string& connection) const;
  // The connection's Capsule client while it reaches Capsule through its registered app's OAuth
  // token, the only kind Capsule lets manage REST hooks (R26); null before `capsyncctl connect
  // --capsule` and without an app.
  Result<capsule::CapsuleClient*> capsule_app_client(const config::ConnectionConfig& connection);
  // The connection's FreshBooks callbacks (R25), through its FreshBooks sender, token and rate
  // limiter, for the business the connector serves; an error for another service.
  boost::asio::awaitable<Result<freshbooks::Callbacks*>> freshbooks_callbacks(const config::ConnectionConfig& connection);
  // Saves every rate limiter's budget now, so what the store says is current (capsyncctl status).
  void flush_budgets();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capsync::registry
