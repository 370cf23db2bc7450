#pragma once
// CountingGate: wraps a request's rate-limit gate (or none) and counts every attempt in
// capsync_http_requests_total. http::Client reports each attempt to the gate, retries
// included, so the count equals what the provider received. Used where provider requests
// are sent: connector::ClientSender and the OAuth token endpoint.

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/error/result.hpp"
#include "core/http/request.hpp"
#include "core/http/request_gate.hpp"
#include "core/metrics/process_metrics.hpp"

namespace capsync::metrics {

class CountingGate final : public http::RequestGate {
 public:
  CountingGate(http::RequestGate* inner, std::string_view connection, std::string_view provider)
      : inner_(inner), connection_(connection), provider_(provider) {}

  boost::asio::awaitable<Status> acquire() override {
    if (inner_ == nullptr) co_return Status{};
    co_return co_await inner_->acquire();
  }

  void release(const http::Response* response) override {
    if (inner_ != nullptr) inner_->release(response);
    metrics::count_http_attempt(connection_, provider_, response != nullptr ? response->status : 0);
  }

 private:
  http::RequestGate* inner_;
  const std::string connection_;
  const std::string provider_;
};

}  // namespace capsync::metrics
