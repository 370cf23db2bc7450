#pragma once
// http::Client: HTTPS/1.1 with keep-alive pooling, timeouts, retries and rate-limit gating.
// Every connector talks to its provider through one shared Client.
//
// Contract: send() returns an Error only for transport failures (DNS, connect, TLS, timeout,
// truncated/oversized/corrupt body) after retries are exhausted, or when the request gate refused
// (Errc::rate_limited), also right after a 429 that asked for a longer wait than
// retry.max_server_delay. Any other HTTP status, 4xx/5xx included, is a Response for the caller.
// All calls must come from the executor's thread (one io_context thread in capsyncd).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/error/result.hpp"
#include "core/http/clock.hpp"
#include "core/http/request.hpp"
#include "core/http/retry_policy.hpp"
#include "core/log/log.hpp"

namespace capsync::http {

struct ClientOptions {
  std::string ca_file;  // extra PEM bundle trusted besides the system store (never replaces it)
  std::size_t max_connections_per_host = 4;  // further requests to that origin queue
  std::size_t max_body_bytes = 32u << 20;    // decoded response body cap
  std::chrono::milliseconds connect_timeout{10000};  // DNS + TCP + TLS handshake
  std::chrono::milliseconds total_timeout{120000};   // all attempts and waits of one send()
  std::chrono::seconds idle_timeout{50};             // pooled connections idle longer are closed
  std::string user_agent = "capsync/0.1";            // FreeAgent requires one
  RetryPolicy retry;
  Clock* clock = nullptr;  // nullptr = Clock::real(); used for Retry-After dates and durations
};

class Client final {
 public:
  Client(boost::asio::any_io_executor executor, ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends the request, retrying per the policy (see header comment). ctx names the connection
  // and provider in the debug log line written for each attempt.
  boost::asio::awaitable<Result<Response>> send(Request request, log::Fields ctx = {});

  // Closes idle pooled connections (at shutdown or reload).
  void close_idle();

  // Number of TCP connections opened so far (benchmarks and pool tests).
  std::size_t TEST_connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capsync::http
