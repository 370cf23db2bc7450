#include "daemon/metrics_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/log/log.hpp"
#include "core/metrics/exposition.hpp"
#include "daemon/listener_guard.hpp"
#include "daemon/tcp_endpoint.hpp"
#include "daemon/tasks.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct MetricsServer::State {
  State(asio::any_io_executor executor, Options o, Render r, Tasks& t)
      : acceptor(executor),
        options(std::move(o)),
        render(std::move(r)),
        tasks(t),
        guard(executor, {.name = "metrics endpoint", .max_sessions = options.max_connections}) {}
  tcp::acceptor acceptor;
  Options options;
  Render render;
  Tasks& tasks;
  ListenerGuard guard;
  bool stopped = false;
};

namespace {

// A scrape request has no body and few headers.
constexpr std::uint32_t kHeaderLimit = 8 * 1024;
constexpr std::uint64_t kBodyLimit = 4 * 1024;

bhttp::response<bhttp::string_body> answer(const std::shared_ptr<MetricsServer::State>& state,
                                           const bhttp::request<bhttp::string_body>& request) {
  bhttp::response<bhttp::string_body> response;
  response.version(request.version());
  response.keep_alive(request.keep_alive());
  const std::string_view target(request.target().data(), request.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  if (path != "/metrics") {
    response.result(bhttp::status::not_found);
    response.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    response.body() = "not found: the metrics are at /metrics\n";
  } else if (request.method() != bhttp::verb::get) {
    response.result(bhttp::status::method_not_allowed);
    response.set(bhttp::field::allow, "GET");
    response.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    response.body() = "method not allowed: use GET\n";
  } else {
    response.result(bhttp::status::ok);
    response.set(bhttp::field::content_type, metrics::kTextContentType);
    response.body() = state->render();
  }
  response.prepare_payload();
  return response;
}

asio::awaitable<void> session(std::shared_ptr<MetricsServer::State> state, std::shared_ptr<beast::tcp_stream> shared,
                              ListenerGuard::Session slot) {
  beast::tcp_stream& stream = *shared;
  beast::flat_buffer buffer;
  while (!state->stopped) {
    slot.idle(true);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
    stream.expires_after(state->options.timeout);
    auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)read;
    if (read_ec) break;  // closed, timed out, or too large
    slot.idle(false);  // answering: not to be closed to make room
    auto response = answer(state, parser.get());
    stream.expires_after(state->options.timeout);
    auto [write_ec, written] = co_await bhttp::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
    (void)written;
    if (write_ec || !response.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}


}  // namespace

MetricsServer::MetricsServer(asio::any_io_executor executor, Options options, Render render, Tasks& tasks)
    : state_(std::make_shared<State>(std::move(executor), std::move(options), std::move(render), tasks)) {}

MetricsServer::~MetricsServer() { stop(); }

Status MetricsServer::start() {
  if (state_->options.listen.empty()) return {};
  auto endpoint = parse_endpoint("metrics_listen", state_->options.listen, true);
  if (!endpoint) return endpoint.error();
  if (auto s = listen_on(state_->acceptor, *endpoint, state_->options.listen); !s) return s;
  state_->tasks.spawn("the metrics endpoint", Tasks::Policy::essential,
                      accept_loop<beast::tcp_stream>(state_, "a metrics request", session));
  log::info({}, "Serving Prometheus metrics on http://{}/metrics", state_->options.listen);
  return {};
}

void MetricsServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  close_acceptor(state_->acceptor);
}

std::uint16_t MetricsServer::port() const {
  return bound_port(state_->acceptor);
}

std::size_t MetricsServer::sessions() const { return state_->guard.sessions(); }

}  // namespace capsync::daemon
