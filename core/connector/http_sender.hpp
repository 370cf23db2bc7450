#pragma once
// HttpSender: the one seam between a connector and the network, so tests can answer requests
// from fixtures (and count them) without sockets. ClientSender adapts the shared http::Client.

#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "core/error/result.hpp"
#include "core/http/client.hpp"
#include "core/http/request.hpp"
#include "core/metrics/counting_gate.hpp"

namespace capsync::connector {

class HttpSender {
 public:
  virtual ~HttpSender() = default;
  // Same contract as http::Client::send: any HTTP status is a Response; an Error is transport.
  virtual boost::asio::awaitable<Result<http::Response>> send(http::Request request) = 0;
};

class ClientSender final : public HttpSender {
 public:
  ClientSender(http::Client& client, std::string connection, std::string provider)
      : client_(client), connection_(std::move(connection)), provider_(std::move(provider)) {}

  // Counts every attempt by connection, provider and status (capsync_http_requests_total).
  boost::asio::awaitable<Result<http::Response>> send(http::Request request) override {
    metrics::CountingGate gate(request.gate, connection_, provider_);
    request.gate = &gate;
    co_return co_await client_.send(std::move(request),
                                    log::Fields{.connection = connection_, .provider = provider_});
  }

 private:
  http::Client& client_;
  std::string connection_;
  std::string provider_;
};

}  // namespace capsync::connector
