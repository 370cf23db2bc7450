#pragma once
// WebhookListener: capsyncd's webhook endpoint on `webhooks.listen` (R23–R26). A TLS reverse
// proxy sits in front of it; it speaks plain HTTP/1.1 on loopback by default.
//
// Routes are path prefixes ("/webhooks/xero/", "/webhooks/freshbooks/", "/webhooks/capsule/"),
// each with a handler that gets the raw body and the headers and returns the status to answer
// and the refresh events to commit. A handler never waits on an API: it verifies, maps and
// returns. The listener commits the events (through `commit`) *before* the answer goes out, so
// an acknowledged delivery is never lost; when the commit fails the sender gets 503 and
// retries. Every delivery is counted per (source, outcome) through `delivered`.
//
// Bounded: bodies over body_limit get 413, a client gets `header_timeout` to send its headers
// and `timeout` for the whole request, and beyond max_connections the oldest idle client is
// closed (ListenerGuard). Single-threaded: everything runs on the executor's thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "core/error/result.hpp"
#include "core/webhook/event.hpp"

namespace capsync::daemon {

class Tasks;

// One POST as a route handler sees it.
struct WebhookRequest {
  std::string_view path;  // the request target without its query
  std::string_view rest;  // the path after the route's prefix: "<connection>/<token>" and such
  std::string_view body;  // the raw bytes as received (signatures are over these)
  // Header names in lower case; a repeated header keeps its last value.
  const std::map<std::string, std::string, std::less<>>* headers = nullptr;

  // The header's value, or empty when absent.
  std::string_view header(std::string_view lower_case_name) const;
};

// The "<connection>/<token>" of a per-connection route's `rest` (Capsule, FreshBooks); the
// token is empty when the path has none.
struct ConnectionPath {
  std::string_view connection;
  std::string_view token;
};
ConnectionPath connection_path(std::string_view rest);

// What the handler decided. The listener answers `status` with `body` (empty for every
// source that requires it, Xero included) once `events` are committed.
struct WebhookAnswer {
  int status = 200;
  // For the metric capsync_webhook_deliveries_total{source,outcome}: "accepted" (events
  // committed), "verified" (a good signature naming nothing to refresh, such as Xero's
  // intent-to-receive), "forged" (bad signature), "dropped" (for nobody capsync serves),
  // "malformed".
  std::string outcome = "accepted";
  std::vector<webhook::Event> events{};
  std::string body{};
  std::string content_type{};  // set when body is not empty
};

using WebhookHandler = std::function<WebhookAnswer(const WebhookRequest&)>;

struct WebhookRoute {
  std::string prefix;  // "/webhooks/xero/": matched against the path, longest prefix first
  std::string source;  // "xero": the metric label and status line of its deliveries
  WebhookHandler handler;
};

class WebhookListener final {
 public:
  // Commits the events of one delivery as refreshes (R23), in one transaction.
  using Commit = std::function<Status(std::span<const webhook::Event>)>;
  // Called once per answered POST to a route: its source, the outcome, the status sent.
  using Delivered = std::function<void(const std::string& source, const std::string& outcome, int status)>;

  struct Options {
    std::string listen;  // "host:port" (IPv6 as "[::1]:port"); empty = no listener
    std::size_t body_limit = 1024 * 1024;
    std::chrono::milliseconds header_timeout{5'000};  // to send the request line and headers
    std::chrono::milliseconds timeout{15'000};        // per request: read it, answer it
    std::size_t max_connections = 64;
  };

  WebhookListener(boost::asio::any_io_executor executor, Options options, Commit commit, Delivered delivered,
                  Tasks& tasks);
  WebhookListener(const WebhookListener&) = delete;
  WebhookListener& operator=(const WebhookListener&) = delete;
  ~WebhookListener();

  // Adds a route; before or after start(). A route with the same prefix replaces the old one.
  void add_route(WebhookRoute route);

  // Binds and starts accepting; does nothing when no address is set.
  Status start();
  // Stops accepting; requests in progress end at their next step.
  void stop();
  // The bound port (0 before start() or without an address).
  std::uint16_t port() const;

  struct State;

 private:
  std::shared_ptr<State> state_;  // shared with the accept loop and sessions
};

}  // namespace capsync::daemon
