#pragma once
// ConnectorSource: where the engine gets the two connectors of a connection. The daemon's
// wiring builds them (HTTP client, token manager, rate limiter) from the connection's
// settings; unit tests hand in fakes. The connectors outlive every job that uses them.

#include <string>

#include "core/config/settings.hpp"
#include "core/connector/accounting_connector.hpp"
#include "core/connector/capsule_connector.hpp"
#include "core/error/result.hpp"

namespace capsync::engine {

struct Connectors {
  connector::CapsuleConnector* capsule = nullptr;
  connector::AccountingConnector* accounting = nullptr;
};

class ConnectorSource {
 public:
  virtual ~ConnectorSource() = default;
  // The connectors of `connection`, built on first use and kept. An error names what the
  // operator must fix (a provider with no connector yet, a missing credential).
  virtual Result<Connectors> connectors(const config::ConnectionConfig& connection) = 0;
  // The connection's stored credentials were replaced (`capsyncctl connect`): its connectors
  // read them again before their next request, and a refused login (KashFlow) is tried once more.
  virtual void reload_credentials(const std::string& connection) { (void)connection; }
  // The config was read again (a reload, or `capsyncctl connect` re-reading secret files): a
  // login credential that changed replaces the one in use. True when one did.
  virtual bool update_credentials(const config::ConnectionConfig& connection) {
    (void)connection;
    return false;
  }
};

}  // namespace capsync::engine
