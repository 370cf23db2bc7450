#pragma once
// MetricsServer: the Prometheus scrape endpoint on `metrics_listen`. Loopback only, since it
// has no authentication: GET /metrics answers the page the render function builds (the
// exposition format 0.0.4), any other path 404, any other method 405. Requests are bounded
// in size and every read and write has a deadline, so a slow or silent client costs one
// socket until its timeout and never holds up the daemon's loop; beyond max_connections the
// client that has waited longest without a request is closed to make room (ListenerGuard),
// so silent clients never starve a scrape.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "core/error/result.hpp"

namespace capsync::daemon {

class Tasks;

class MetricsServer final {
 public:
  // Builds the /metrics page; runs on the executor's thread.
  using Render = std::function<std::string()>;

  struct Options {
    std::string listen;  // "host:port" (IPv6 as "[::1]:port"); empty = no endpoint
    std::chrono::seconds timeout{10};  // per request: read it, answer it
    std::size_t max_connections = 16;  // beyond it the oldest idle connection is closed
  };

  // Sessions run as `tasks` (one failing ends only itself); the accept loop is essential.
  MetricsServer(boost::asio::any_io_executor executor, Options options, Render render, Tasks& tasks);
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  ~MetricsServer();

  // Binds and starts accepting; does nothing when no address is set. Refuses an address that
  // is not loopback.
  Status start();
  // Stops accepting; connections in progress end at their next step.
  void stop();
  // The bound port (0 before start() or without an address).
  std::uint16_t port() const;

  // Sessions open now (silent clients included).
  std::size_t sessions() const;

  struct State;

 private:
  std::shared_ptr<State> state_;  // shared with the accept loop and sessions
};

}  // namespace capsync::daemon
