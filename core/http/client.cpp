#include "core/http/client.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <deque>
#include <map>
#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/x509v3.h>

#include "core/http/content_decoding.hpp"
#include "core/http/request_gate.hpp"
#include "core/http/url.hpp"

namespace capsync::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;
using std::chrono::steady_clock;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// One keep-alive connection; exactly one of plain/tls is set.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  steady_clock::time_point idle_since;
  bool reusable = false;  // the last response allows keep-alive

  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*tls); }
  void close() {
    error_code ignored;
    lowest().socket().close(ignored);
  }
  // An idle keep-alive socket must have nothing to read: EOF or stray bytes (a TLS close_notify)
  // mean the server has closed it.
  bool alive() {
    auto& sock = lowest().socket();
    if (!sock.is_open()) return false;
    char byte;
    ssize_t n = ::recv(sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
};

struct Host {
  std::deque<std::unique_ptr<Connection>> idle;
  std::size_t open = 0;  // idle + in use + connecting
  std::deque<std::shared_ptr<asio::steady_timer>> waiters;
};

// How an attempt failed, for the retry decision and the final error.
struct Failure {
  Error error;
  bool retryable = true;     // a transport error worth another attempt (if the method allows)
  bool before_response = false;  // nothing of the response was received
};

bhttp::verb to_verb(Method m) {
  switch (m) {
    case Method::get: return bhttp::verb::get;
    case Method::post: return bhttp::verb::post;
    case Method::put: return bhttp::verb::put;
    case Method::del: return bhttp::verb::delete_;
  }
  return bhttp::verb::get;
}

long long ms_since(steady_clock::time_point start, const Clock& clock) {
  return std::chrono::duration_cast<milliseconds>(clock.steady_now() - start).count();
}

}  // namespace

struct Client::Impl {
  asio::any_io_executor executor;
  ClientOptions options;
  Clock* clock;
  ssl::context tls_context{ssl::context::tls_client};
  std::optional<Error> tls_setup_error;  // a bad ca_file fails every https request with this
  std::map<std::string, Host> hosts;
  std::mt19937_64 rng{std::random_device{}()};
  std::size_t connections_opened = 0;
  // All members are used from the executor's single thread.

  Impl(asio::any_io_executor ex, ClientOptions opts)
      : executor(std::move(ex)), options(std::move(opts)), clock(options.clock ? options.clock : &Clock::real()) {
    error_code ec;
    tls_context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    tls_context.set_default_verify_paths(ec);
    if (!options.ca_file.empty()) {
      tls_context.load_verify_file(options.ca_file, ec);
      if (ec)
        tls_setup_error = make_error(Errc::invalid_argument, "Failed to load CA file {}: {} — check the ca_file setting",
                                     options.ca_file, ec.message());
    }
    tls_context.set_verify_mode(ssl::verify_peer);
  }

  void wake_one(Host& host) {
    if (!host.waiters.empty()) {
      host.waiters.front()->cancel();
      host.waiters.pop_front();
    }
  }

  void give_back(const std::string& key, std::unique_ptr<Connection> conn, bool keep) {
    Host& host = hosts[key];
    if (keep && conn) {
      conn->idle_since = clock->steady_now();
      host.idle.push_back(std::move(conn));
    } else {
      if (conn) conn->close();
      --host.open;
    }
    wake_one(host);
  }

  // A pooled connection (reused = true) or a slot for a new one (nullptr). Waits at the bound.
  asio::awaitable<Result<std::pair<std::unique_ptr<Connection>, bool>>> checkout(const std::string& key,
                                                                                 steady_clock::time_point deadline) {
    for (;;) {
      Host& host = hosts[key];
      while (!host.idle.empty()) {
        auto conn = std::move(host.idle.back());
        host.idle.pop_back();
        if (clock->steady_now() - conn->idle_since < options.idle_timeout && conn->alive())
          co_return std::pair{std::move(conn), true};
        conn->close();
        --host.open;
      }
      if (host.open < options.max_connections_per_host) {
        ++host.open;
        co_return std::pair{std::unique_ptr<Connection>{}, false};
      }
      auto timer = std::make_shared<asio::steady_timer>(executor);
      timer->expires_after(deadline - clock->steady_now());
      host.waiters.push_back(timer);
      auto [ec] = co_await timer->async_wait(use_tuple);
      if (!ec) {  // expired: still queued, nobody handed us a slot
        std::erase(hosts[key].waiters, timer);
        co_return make_error(Errc::timeout, "Timed out waiting for a free connection to {} (max_connections_per_host {})",
                             key, options.max_connections_per_host);
      }
    }
  }

  asio::awaitable<Result<std::unique_ptr<Connection>>> connect(const Url& url, milliseconds timeout) {
    if (url.tls && tls_setup_error) co_return *tls_setup_error;
    auto conn = std::make_unique<Connection>();
    tcp::resolver resolver(executor);
    auto [rec, endpoints] = co_await resolver.async_resolve(url.host, std::to_string(url.port), use_tuple);
    if (rec)
      co_return make_error(Errc::io, "Failed to resolve {}: {} — check the host name and DNS", url.host, rec.message());
    if (url.tls) conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, tls_context);
    else conn->plain = std::make_unique<beast::tcp_stream>(executor);
    auto& tcp_stream = conn->lowest();
    tcp_stream.expires_after(timeout);
    auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, use_tuple);
    if (cec) {
      if (cec == beast::error::timeout)
        co_return make_error(Errc::timeout, "Timed out connecting to {}:{} after {} ms", url.host, url.port, timeout.count());
      co_return make_error(Errc::io, "Failed to connect to {}:{}: {} — is the service reachable?", url.host, url.port,
                           cec.message());
    }
    tcp_stream.socket().set_option(tcp::no_delay(true));
    ++connections_opened;
    if (url.tls) {
      SSL* ssl_handle = conn->tls->native_handle();
      error_code addr_ec;
      asio::ip::make_address(url.host, addr_ec);
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
      if (addr_ec) {  // a name: SNI + host name check
        SSL_ctrl(ssl_handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(url.host.c_str()));  // SNI
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), url.host.size());
      } else {
        X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
      }
      auto [hec] = co_await conn->tls->async_handshake(ssl::stream_base::client, use_tuple);
      if (hec) {
        long verify = SSL_get_verify_result(ssl_handle);
        if (verify != X509_V_OK)
          co_return make_error(Errc::io, "TLS certificate verification failed for {}: {} — check ca_file / system CA store",
                               url.host, X509_verify_cert_error_string(verify));
        if (hec == beast::error::timeout)
          co_return make_error(Errc::timeout, "Timed out in the TLS handshake with {} after {} ms", url.host, timeout.count());
        co_return make_error(Errc::io, "TLS handshake with {} failed: {}", url.host, hec.message());
      }
    }
    co_return conn;
  }

  template <typename Stream>
  asio::awaitable<std::variant<Response, Failure>> exchange(Stream& stream, Connection& conn, const Url& url,
                                                            bhttp::request<bhttp::string_body>& req,
                                                            milliseconds timeout) {
    conn.lowest().expires_after(timeout);
    auto [wec, written] = co_await bhttp::async_write(stream, req, use_tuple);
    (void)written;
    if (wec) co_return transport_failure(wec, url, timeout, true);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    parser.header_limit(64 * 1024);
    auto [rec, read] = co_await bhttp::async_read(stream, conn.buffer, parser, use_tuple);
    (void)read;
    if (rec) {
      bool nothing = !parser.got_some() && conn.buffer.size() == 0;
      if (rec == bhttp::error::body_limit)
        co_return Failure{make_error(Errc::protocol,
                                     "Response from {} is larger than the {} byte limit (max_body_bytes) — the request "
                                     "should fetch less (paging) or the limit be raised",
                                     url.host, options.max_body_bytes),
                          false, false};
      if (rec.category() == make_error_code(bhttp::error::bad_target).category() && rec != bhttp::error::end_of_stream &&
          rec != bhttp::error::partial_message)
        co_return Failure{make_error(Errc::protocol, "Malformed HTTP response from {}: {}", url.host, rec.message()), true,
                          false};
      if (!nothing && (rec == bhttp::error::partial_message || rec == asio::error::eof ||
                       rec == bhttp::error::end_of_stream || rec == asio::error::connection_reset || rec == ssl::error::stream_truncated))
        co_return Failure{make_error(Errc::protocol, "Response from {} was truncated: {}", url.host, rec.message()), true,
                          false};
      co_return transport_failure(rec, url, timeout, nothing);
    }
    auto& msg = parser.get();
    Response response;
    response.status = static_cast<int>(msg.result_int());
    response.headers.reserve(16);
    for (const auto& field : msg)
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    std::string_view encoding = msg[bhttp::field::content_encoding];
    if (!encoding.empty()) {
      auto decoded = decode_content(encoding, msg.body(), options.max_body_bytes);
      if (!decoded) co_return Failure{decoded.error().with_context(fmt::format("Response from {}", url.host)), true, false};
      response.body = std::move(*decoded);
    } else {
      response.body = std::move(msg.body());
    }
    conn.reusable = msg.keep_alive() && !msg.need_eof();
    co_return response;
  }

  Failure transport_failure(error_code ec, const Url& url, milliseconds timeout, bool nothing_received) {
    if (ec == beast::error::timeout)
      return Failure{make_error(Errc::timeout, "Request to {} timed out after {} ms", url.host, timeout.count()), true,
                     nothing_received};
    return Failure{make_error(Errc::io, "Connection to {}:{} failed: {}", url.host, url.port, ec.message()), true,
                   nothing_received};
  }

  // One attempt: checkout, (connect), write, read. Retries a stale pooled connection once.
  asio::awaitable<std::variant<Response, Failure>> attempt(const Url& url, bhttp::request<bhttp::string_body>& req,
                                                           const Request& request, milliseconds timeout,
                                                           steady_clock::time_point deadline) {
    std::string key = url.origin();
    for (int stale_retry = 0;; ++stale_retry) {
      auto slot = co_await checkout(key, deadline);
      if (!slot) co_return Failure{slot.error(), false, true};
      auto [conn, reused] = std::move(*slot);
      if (!conn) {
        auto fresh = co_await connect(url, std::min(timeout, options.connect_timeout));
        if (!fresh) {
          give_back(key, nullptr, false);
          bool verify_failed = fresh.error().message().find("certificate verification") != std::string::npos;
          co_return Failure{fresh.error(), !verify_failed && !tls_setup_error, true};
        }
        conn = std::move(*fresh);
      }
      conn->reusable = false;
      // No co_await inside ?: — GCC 12 miscompiles it (double destruction of the result).
      std::variant<Response, Failure> result;
      if (conn->tls) result = co_await exchange(*conn->tls, *conn, url, req, timeout);
      else result = co_await exchange(*conn->plain, *conn, url, req, timeout);
      if (auto* failure = std::get_if<Failure>(&result)) {
        give_back(key, std::move(conn), false);
        // The server closed a kept-alive connection under us: not an attempt, try a fresh one.
        if (reused && stale_retry == 0 && failure->before_response && may_retry(request) &&
            failure->error.code() != Errc::timeout)
          continue;
        co_return result;
      }
      const bool keep = conn->reusable;
      give_back(key, std::move(conn), keep);
      co_return result;
    }
  }

  bhttp::request<bhttp::string_body> build(const Request& request, const Url& url) {
    bhttp::request<bhttp::string_body> req{to_verb(request.method), url.target, 11};
    bool default_port = url.port == (url.tls ? 443 : 80);
    std::string host_header = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    if (!default_port) host_header += ":" + std::to_string(url.port);
    req.set(bhttp::field::host, host_header);
    req.set(bhttp::field::user_agent, options.user_agent);
    req.set(bhttp::field::accept_encoding, "gzip, deflate");
    if (request.bearer) req.set(bhttp::field::authorization, fmt::format("Bearer {}", request.bearer->reveal()));
    for (const auto& [name, value] : request.headers) req.set(name, value);
    if (!request.body.empty() || request.method == Method::post || request.method == Method::put) {
      if (!request.content_type.empty()) req.set(bhttp::field::content_type, request.content_type);
      req.body() = request.body;
    }
    req.keep_alive(true);
    req.prepare_payload();
    return req;
  }
};

Client::Client(asio::any_io_executor executor, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(executor), std::move(options))) {}

Client::~Client() = default;

void Client::close_idle() {
  for (auto& [key, host] : impl_->hosts) {
    for (auto& conn : host.idle) conn->close();
    host.open -= host.idle.size();
    host.idle.clear();
  }
}

std::size_t Client::TEST_connections_opened() const { return impl_->connections_opened; }

asio::awaitable<Result<Response>> Client::send(Request request, log::Fields ctx) {
  Impl& im = *impl_;
  auto url = parse_url(request.url);
  if (!url) co_return url.error();
  auto req = im.build(request, *url);
  const std::string shown_target = loggable_target(url->target);
  const auto method = to_string(request.method);
  const auto start = im.clock->steady_now();
  const auto deadline = start + im.options.total_timeout;
  const int max_attempts = std::max(1, im.options.retry.max_attempts);

  for (int attempt = 1;; ++attempt) {
    auto remaining = std::chrono::duration_cast<milliseconds>(deadline - im.clock->steady_now());
    if (remaining <= milliseconds(0))
      co_return make_error(Errc::timeout, "{} {}{} gave up after {} ms (total_timeout) and {} attempts", method,
                           url->host, shown_target, im.options.total_timeout.count(), attempt - 1);
    if (request.gate) {
      auto admitted = co_await request.gate->acquire();
      if (!admitted) co_return admitted.error();
    }
    const auto attempt_start = im.clock->steady_now();
    auto outcome = co_await im.attempt(*url, req, request, std::min(request.timeout, remaining), deadline);
    const long long took = ms_since(attempt_start, *im.clock);
    const bool can_retry = attempt < max_attempts && may_retry(request);

    if (auto* failure = std::get_if<Failure>(&outcome)) {
      if (request.gate) request.gate->release(nullptr);
      log::debug(ctx, "{} {}{} failed in {} ms (attempt {}): {}", method, url->host, shown_target, took, attempt,
                 failure->error.message());
      if (!can_retry || !failure->retryable)
        co_return attempt > 1 ? failure->error.with_context(fmt::format("after {} attempts", attempt)) : failure->error;
      auto delay = backoff_delay(im.options.retry, attempt, im.rng);
      if (im.clock->steady_now() + delay >= deadline) co_return failure->error;
      asio::steady_timer timer(im.executor, delay);
      co_await timer.async_wait(use_tuple);
      continue;
    }

    auto& response = std::get<Response>(outcome);
    response.attempts = attempt;
    if (request.gate) request.gate->release(&response);
    if (request.log_success || !response.ok())
      log::debug(ctx, "{} {}{} -> {} in {} ms (attempt {})", method, url->host, shown_target, response.status, took,
                 attempt);
    if (response.ok() && request.accept_body && !request.accept_body(response.body)) {
      log::debug(ctx, "{} {}{} -> {} with a malformed body (attempt {})", method, url->host, shown_target,
                 response.status, attempt);
      if (!can_retry) co_return std::move(response);
      auto delay = backoff_delay(im.options.retry, attempt, im.rng);
      if (im.clock->steady_now() + delay >= deadline) co_return std::move(response);
      asio::steady_timer timer(im.executor, delay);
      co_await timer.async_wait(use_tuple);
      continue;
    }
    if (!retryable_status(response.status) || attempt >= max_attempts || !may_retry_after(request, response.status))
      co_return std::move(response);
    auto asked = server_delay(response, im.clock->system_now());
    if (asked && *asked > im.options.retry.max_server_delay) {
      // Too long to hold the caller: the gate, which has just read the same wait from this
      // response, refuses with when to come back, so the job is parked rather than failed.
      if (request.gate && response.status == 429) {
        auto admitted = co_await request.gate->acquire();
        if (!admitted) co_return admitted.error();
        request.gate->release(nullptr);
      }
      co_return std::move(response);
    }
    auto delay = asked ? *asked : backoff_delay(im.options.retry, attempt, im.rng);
    if (im.clock->steady_now() + delay >= deadline) co_return std::move(response);
    asio::steady_timer timer(im.executor, delay);
    co_await timer.async_wait(use_tuple);
  }
}

}  // namespace capsync::http
