#include "daemon/webhook_listener.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/log/log.hpp"
#include "daemon/listener_guard.hpp"
#include "daemon/tasks.hpp"
#include "daemon/tcp_endpoint.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

ConnectionPath connection_path(std::string_view rest) {
  while (rest.starts_with('/')) rest.remove_prefix(1);
  const auto slash = rest.find('/');
  return {.connection = rest.substr(0, slash),
          .token = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1)};
}

std::string_view WebhookRequest::header(std::string_view lower_case_name) const {
  if (headers == nullptr) return {};
  auto it = headers->find(lower_case_name);
  return it == headers->end() ? std::string_view() : std::string_view(it->second);
}

struct WebhookListener::State {
  State(asio::any_io_executor executor, Options o, Commit c, Delivered d, Tasks& t)
      : acceptor(executor),
        options(std::move(o)),
        commit(std::move(c)),
        delivered(std::move(d)),
        tasks(t),
        guard(executor, {.name = "webhook listener", .max_sessions = options.max_connections}) {}
  tcp::acceptor acceptor;
  Options options;
  Commit commit;
  Delivered delivered;
  Tasks& tasks;
  ListenerGuard guard;
  std::vector<WebhookRoute> routes;  // longest prefix first
  bool stopped = false;
};

namespace {

constexpr std::uint32_t kHeaderLimit = 16 * 1024;

using Response = bhttp::response<bhttp::string_body>;

Response plain(unsigned version, bhttp::status status, std::string text) {
  Response r{status, version};
  if (!text.empty()) {
    r.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    r.body() = std::move(text);
  }
  return r;
}

const WebhookRoute* route_for(const WebhookListener::State& state, std::string_view path) {
  for (const auto& r : state.routes)
    if (path.starts_with(r.prefix)) return &r;
  return nullptr;
}

// Runs the route's handler and commits its events; never waits on anything but SQLite.
Response answer(WebhookListener::State& state, const bhttp::request<bhttp::string_body>& request) {
  const std::string_view target(request.target().data(), request.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  const WebhookRoute* route = route_for(state, path);
  if (route == nullptr) return plain(request.version(), bhttp::status::not_found, "not found\n");
  if (request.method() != bhttp::verb::post) {
    auto r = plain(request.version(), bhttp::status::method_not_allowed, "method not allowed: use POST\n");
    r.set(bhttp::field::allow, "POST");
    return r;
  }
  std::map<std::string, std::string, std::less<>> headers;
  for (const auto& field : request) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    headers[std::move(name)] = std::string(field.value());
  }
  WebhookRequest in{.path = path, .rest = path.substr(route->prefix.size()), .body = request.body(),
                    .headers = &headers};
  WebhookAnswer out = route->handler(in);
  if (!out.events.empty()) {
    // Committed before the answer: a delivery acknowledged is a refresh that will run.
    if (auto s = state.commit(out.events); !s) {
      log::error({}, "Failed to commit {} webhook event(s) from {}: {}", out.events.size(), route->source,
                 s.error());
      out = WebhookAnswer{.status = 503, .outcome = "error"};
    }
  }
  if (state.delivered) state.delivered(route->source, out.outcome, out.status);
  Response r{static_cast<bhttp::status>(out.status), request.version()};
  if (!out.body.empty()) {
    r.set(bhttp::field::content_type, out.content_type.empty() ? "text/plain; charset=utf-8" : out.content_type);
    r.body() = std::move(out.body);
  }
  return r;
}

asio::awaitable<void> session(std::shared_ptr<WebhookListener::State> state, std::shared_ptr<beast::tcp_stream> shared,
                              ListenerGuard::Session slot) {
  beast::tcp_stream& stream = *shared;
  beast::flat_buffer buffer;
  while (!state->stopped) {
    slot.idle(true);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(state->options.body_limit);
    // A slow client gets header_timeout for its headers and `timeout` for the whole request.
    const auto started = std::chrono::steady_clock::now();
    stream.expires_after(state->options.header_timeout);
    auto [header_ec, header_bytes] =
        co_await bhttp::async_read_header(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)header_bytes;
    bool too_large = header_ec == bhttp::error::body_limit;  // said so by its Content-Length
    if (header_ec && !too_large) break;  // closed or too slow
    slot.idle(false);  // answering: not to be closed to make room
    boost::system::error_code read_ec;
    if (!too_large) {
      const auto left = state->options.timeout - (std::chrono::steady_clock::now() - started);
      stream.expires_after(std::chrono::duration_cast<std::chrono::milliseconds>(left));
      auto [ec, read] = co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      (void)read;
      read_ec = ec;
      too_large = read_ec == bhttp::error::body_limit;
    }
    if (read_ec && !too_large) break;  // closed, timed out or unparseable: nobody to answer
    Response response = too_large ? plain(parser.get().version(), bhttp::status::payload_too_large, "body too large\n")
                                  : answer(*state, parser.get());
    const bool keep_alive = !too_large && parser.get().keep_alive();
    response.keep_alive(keep_alive);
    response.prepare_payload();
    stream.expires_after(state->options.timeout);
    auto [write_ec, written] = co_await bhttp::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
    (void)written;
    if (write_ec) break;
    if (too_large) {
      // The unread body would turn our close into a reset that can destroy the 413 before the
      // client reads it: stop sending, then drop what still arrives, briefly and boundedly.
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream.expires_after(std::chrono::seconds(1));
      std::array<char, 16 * 1024> sink{};
      for (std::size_t drained = 0; drained < state->options.body_limit + sink.size();) {
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
        if (ec) break;
        drained += n;
      }
      break;
    }
    if (!keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}


}  // namespace

WebhookListener::WebhookListener(asio::any_io_executor executor, Options options, Commit commit, Delivered delivered,
                                 Tasks& tasks)
    : state_(std::make_shared<State>(std::move(executor), std::move(options), std::move(commit),
                                     std::move(delivered), tasks)) {}

WebhookListener::~WebhookListener() { stop(); }

void WebhookListener::add_route(WebhookRoute route) {
  auto& routes = state_->routes;
  std::erase_if(routes, [&](const WebhookRoute& r) { return r.prefix == route.prefix; });
  routes.push_back(std::move(route));
  std::stable_sort(routes.begin(), routes.end(),
                   [](const WebhookRoute& a, const WebhookRoute& b) { return a.prefix.size() > b.prefix.size(); });
}

Status WebhookListener::start() {
  if (state_->options.listen.empty()) return {};
  // Not loopback-only: an operator may bind the address their reverse proxy reaches.
  auto endpoint = parse_endpoint("webhooks.listen", state_->options.listen, false);
  if (!endpoint) return endpoint.error();
  if (auto s = listen_on(state_->acceptor, *endpoint, state_->options.listen); !s) return s;
  state_->tasks.spawn("the webhook listener", Tasks::Policy::essential,
                      accept_loop<beast::tcp_stream>(state_, "a webhook delivery", session));
  log::info({}, "Serving webhooks on http://{}/webhooks/", state_->options.listen);
  return {};
}

void WebhookListener::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  close_acceptor(state_->acceptor);
}

std::uint16_t WebhookListener::port() const {
  return bound_port(state_->acceptor);
}

}  // namespace capsync::daemon
