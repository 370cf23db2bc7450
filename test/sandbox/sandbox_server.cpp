#include "test/sandbox/sandbox_server.hpp"

#include <cctype>
#include <fstream>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include "test/sandbox/sandbox.hpp"
#include "test/sandbox/tls_identity.hpp"

namespace capsync::sandbox {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kBodyLimit = 8 * 1024 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(120);
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

Request to_request(const http::request<http::string_body>& message) {
  Request request;
  request.method = std::string(message.method_string());
  std::string_view target = message.target();
  auto q = target.find('?');
  request.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = message.body();
  return request;
}

http::response<http::string_body> to_message(Response& response, unsigned version, bool keep_alive) {
  http::response<http::string_body> message{static_cast<http::status>(response.status), version};
  message.set(http::field::server, "capsync-sandbox");
  for (auto& [name, value] : response.headers) message.set(name, value);
  message.body() = std::move(response.body);
  message.keep_alive(keep_alive);
  message.prepare_payload();
  return message;
}

// Runs Response::on_done when a request is over, however it ends.
struct DoneGuard {
  std::function<void()> done;
  ~DoneGuard() {
    if (done) done();
  }
};

template <class Stream>
asio::awaitable<void> serve(Stream& stream, beast::tcp_stream& raw, Sandbox& sandbox) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    raw.expires_after(kIdleTimeout);
    auto [read_error, read_bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (read_error == http::error::body_limit) {
      Response too_big = json_response(413, "{\"message\":\"request body too large\"}");
      auto message = to_message(too_big, 11, false);
      co_await http::async_write(stream, message, use_tuple);
      co_return;
    }
    if (read_error) co_return;
    auto& incoming = parser.get();
    const bool keep_alive = incoming.keep_alive();
    Response response = sandbox.handle(to_request(incoming));
    DoneGuard guard{std::move(response.on_done)};
    if (response.delay_ms > 0) {
      asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(response.delay_ms));
      co_await timer.async_wait(use_tuple);
    }
    raw.expires_after(kIdleTimeout);
    if (response.delivery == Delivery::reset) {
      beast::error_code ignored;
      raw.socket().set_option(tcp::socket::linger(true, 0), ignored);
      raw.socket().close(ignored);
      co_return;
    }
    auto message = to_message(response, incoming.version(), keep_alive);
    if (response.delivery == Delivery::truncate) {
      // Announce the full length, send half, then close.
      std::string body = std::move(message.body());
      message.body().clear();
      message.content_length(body.size() + 16);
      http::response_serializer<http::string_body> serializer(message);
      co_await http::async_write_header(stream, serializer, use_tuple);
      co_await asio::async_write(stream, asio::buffer(body.data(), body.size() / 2), use_tuple);
      beast::error_code ignored;
      raw.socket().shutdown(tcp::socket::shutdown_both, ignored);
      raw.socket().close(ignored);
      co_return;
    }
    auto [write_error, written] = co_await http::async_write(stream, message, use_tuple);
    if (write_error || !keep_alive) break;
  }
}

asio::awaitable<void> plain_session(tcp::socket socket, Sandbox& sandbox) {
  beast::tcp_stream stream(std::move(socket));
  co_await serve(stream, stream, sandbox);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> tls_session(tcp::socket socket, asio::ssl::context& tls, Sandbox& sandbox) {
  asio::ssl::stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), tls);
  auto& raw = beast::get_lowest_layer(stream);
  raw.expires_after(kIdleTimeout);
  auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
  if (handshake_error) co_return;
  co_await serve(stream, raw, sandbox);
  if (raw.socket().is_open()) {
    raw.expires_after(std::chrono::seconds(5));
    co_await stream.async_shutdown(use_tuple);  // stream_truncated from the peer is normal
  }
}

// One attempt of a webhook delivery: a plain-HTTP POST to a loopback subscriber. 0 when no
// answer came (refused, reset, or none within the 5 s a real service waits).
asio::awaitable<int> post_delivery(const OutboundDelivery& d) {
  std::string_view rest = std::string_view(d.url).substr(std::string_view("http://").size());
  const auto slash = rest.find('/');
  const std::string authority(rest.substr(0, slash));
  const std::string target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) co_return 0;
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [resolve_error, endpoints] =
      co_await resolver.async_resolve(authority.substr(0, colon), authority.substr(colon + 1), use_tuple);
  if (resolve_error) co_return 0;
  beast::tcp_stream stream(executor);
  stream.expires_after(std::chrono::seconds(5));
  auto [connect_error, endpoint] = co_await stream.async_connect(endpoints, use_tuple);
  (void)endpoint;
  if (connect_error) co_return 0;
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, authority);
  request.set(http::field::user_agent, "capsync-sandbox webhooks");
  for (const auto& [name, value] : d.headers) request.set(name, value);
  request.body() = d.body;
  request.prepare_payload();
  auto [write_error, written] = co_await http::async_write(stream, request, use_tuple);
  (void)written;
  if (write_error) co_return 0;
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  auto [read_error, read] = co_await http::async_read(stream, buffer, response, use_tuple);
  (void)read;
  if (read_error) co_return 0;
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return static_cast<int>(response.result_int());
}

void rethrow(std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
}

// One client's session failing ends that session only, and says why on stderr.
void report_session_failure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& failure) {
    fmt::print(stderr, "sandbox: a client session failed: {}\n", failure.what());
  }
}

}  // namespace

struct SandboxServer::Impl {
  Impl(Sandbox& s, ServerOptions o) : sandbox(s), options(std::move(o)) {}

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [error, socket] = co_await acceptor.async_accept(use_tuple);
      if (error == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (error) continue;
      socket.set_option(tcp::no_delay(true));
      if (options.tls)
        asio::co_spawn(io, tls_session(std::move(socket), tls, sandbox), report_session_failure);
      else
        asio::co_spawn(io, plain_session(std::move(socket), sandbox), report_session_failure);
    }
  }

  // Sends the webhook deliveries the providers queued (webhook_outbox.hpp), each on its own,
  // so a slow subscriber holds up only its own delivery.
  asio::awaitable<void> delivery_loop() {
    asio::steady_timer timer(io);
    for (;;) {
      timer.expires_after(std::chrono::milliseconds(20));
      auto [error] = co_await timer.async_wait(use_tuple);
      if (error) co_return;
      auto& outbox = sandbox.context().webhooks;
      outbox.tick(std::chrono::steady_clock::now());
      for (auto& d : outbox.take_due(std::chrono::steady_clock::now()))
        asio::co_spawn(io, send(std::move(d)), rethrow);
    }
  }

  asio::awaitable<void> send(OutboundDelivery d) {
    const int status = co_await post_delivery(d);
    sandbox.context().webhooks.answered(std::move(d), status, std::chrono::steady_clock::now());
  }

  Sandbox& sandbox;
  ServerOptions options;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::ssl::context tls{asio::ssl::context::tls_server};
  asio::signal_set signals{io};
};

SandboxServer::SandboxServer(Sandbox& sandbox, ServerOptions options)
    : impl_(std::make_unique<Impl>(sandbox, std::move(options))) {}

SandboxServer::~SandboxServer() = default;

Result<std::string> SandboxServer::start() {
  auto& impl = *impl_;
  beast::error_code ec;
  auto address = asio::ip::make_address(impl.options.host, ec);
  if (ec) return make_error(Errc::invalid_argument, "Failed to parse listen address {}: {}", impl.options.host, ec.message());
  tcp::endpoint endpoint(address, impl.options.port);
  impl.acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(Errc::io, "Failed to listen on {}:{}: {}", impl.options.host, impl.options.port, ec.message());
  if (impl.options.tls) {
    auto identity = make_tls_identity();
    if (!identity) return identity.error();
    impl.tls.use_certificate_chain(asio::buffer(identity->cert_pem), ec);
    if (!ec) impl.tls.use_private_key(asio::buffer(identity->key_pem), asio::ssl::context::pem, ec);
    if (ec) return make_error(Errc::io, "Failed to load the generated certificate: {}", ec.message());
    if (!impl.options.ca_out.empty()) {
      std::ofstream out(impl.options.ca_out, std::ios::binary | std::ios::trunc);
      out << identity->ca_pem;
      if (!out.flush()) return make_error(Errc::io, "Failed to write {}", impl.options.ca_out);
    }
  }
  if (impl.options.handle_signals) {  // from here on a signal is queued until run() sees it
    impl.signals.add(SIGTERM);
    impl.signals.add(SIGINT);
  }
  auto port = impl.acceptor.local_endpoint().port();
  auto host = address.is_v6() ? fmt::format("[{}]", impl.options.host) : impl.options.host;
  return fmt::format("{}://{}:{}", impl.options.tls ? "https" : "http", host, port);
}

void SandboxServer::run() {
  auto& impl = *impl_;
  if (impl.options.handle_signals) {
    impl.signals.async_wait([this](const beast::error_code& error, int) {
      if (!error) stop();
    });
  }
  asio::co_spawn(impl.io, impl.accept_loop(), rethrow);
  asio::co_spawn(impl.io, impl.delivery_loop(), rethrow);
  impl.io.run();
}

void SandboxServer::stop() {
  asio::post(impl_->io, [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->signals.cancel(ignored);
    impl->io.stop();
  });
}

Result<void> parse_listen(const std::string& text, ServerOptions& options) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return make_error(Errc::invalid_argument, "--listen wants HOST:PORT, got {}", text);
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(text.substr(colon + 1));
  } catch (const std::exception&) {
    return make_error(Errc::invalid_argument, "--listen port is not a number: {}", text);
  }
  if (port < 0 || port > 65535) return make_error(Errc::invalid_argument, "--listen port out of range: {}", text);
  options.host = host;
  options.port = static_cast<unsigned short>(port);
  return {};
}

}  // namespace capsync::sandbox
