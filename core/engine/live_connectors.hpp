#pragma once
// LiveConnectors: the ConnectorSource capsyncd uses — one shared http::Client, and per
// connection a Capsule client (personal token) and the accounting connector of its provider
// (Xero: OAuth through oauth::TokenManager). Built on first use, kept for the process.
// Gap: rotated refresh tokens are kept in memory until core/oauth offers a store-backed
// TokenStore; rate limiters are not attached yet (http::RequestGate left empty).

#include <map>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "core/engine/connector_source.hpp"

namespace capsync::engine {

class LiveConnectors final : public ConnectorSource {
 public:
  LiveConnectors(boost::asio::any_io_executor executor, std::string ca_file);
  ~LiveConnectors() override;
  LiveConnectors(const LiveConnectors&) = delete;
  LiveConnectors& operator=(const LiveConnectors&) = delete;

  Result<Connectors> connectors(const config::ConnectionConfig& connection) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capsync::engine
