#include <catch2/catch.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "core/http/client.hpp"
#include "core/http/content_decoding.hpp"
#include "test/unit/http/gzip.hpp"
#include "test/unit/http/run.hpp"
#include "test/unit/http/test_server.hpp"

using namespace capsync;
using namespace std::chrono_literals;
using capsync::test::http_reply;
using capsync::test::Reply;
using capsync::test::TestServer;

namespace {

http::ClientOptions fast_options() {
  http::ClientOptions o;
  o.retry.base_delay = 5ms;
  o.retry.max_delay = 20ms;
  o.total_timeout = 20s;
  return o;
}

Result<http::Response> get(boost::asio::io_context& io, http::Client& client, std::string url,
                           http::Method method = http::Method::get, std::string idempotency_key = {}) {
  http::Request r;
  r.method = method;
  r.url = std::move(url);
  r.idempotency_key = std::move(idempotency_key);
  if (method == http::Method::post) r.body = "{}";
  r.timeout = 5s;
  return capsync::test::run(io, client.send(std::move(r)));
}

}  // namespace

TEST_CASE("GET is retried on 5xx until it succeeds") {
  boost::asio::io_context io;
  TestServer server(io, [](const auto&, int i) { return Reply{i < 2 ? http_reply(503, "busy") : http_reply(200, "ok")}; });
  http::Client client(io.get_executor(), fast_options());
  auto r = get(io, client, server.url("/x"));
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == "ok");
  CHECK(r->attempts == 3);
  CHECK(server.requests() == 3);
}

TEST_CASE("GET is retried after a connection reset, and reports it clearly when it persists") {
  boost::asio::io_context io;
  TestServer server(io, [](const auto&, int i) { return Reply{i < 1 ? std::string() : http_reply(200, "ok")}; });
  http::Client client(io.get_executor(), fast_options());
  auto r = get(io, client, server.url("/x"));
  REQUIRE(r.ok());
  CHECK(r->status == 200);

  TestServer dead(io, [](const auto&, int) { return Reply{}; });
  auto failed = get(io, client, dead.url("/x"));
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code() == Errc::io);
  CHECK(failed.error().message().find("127.0.0.1") != std::string::npos);
  CHECK(dead.requests() == 4);  // max_attempts
}

TEST_CASE("Retry-After is honoured before the next attempt") {
  boost::asio::io_context io;
  TestServer server(io, [](const auto&, int i) {
    return Reply{i == 0 ? http_reply(429, "slow down", "Retry-After: 1\r\n") : http_reply(200, "ok")};
  });
  http::Client client(io.get_executor(), fast_options());
  auto start = std::chrono::steady_clock::now();
  auto r = get(io, client, server.url("/x"));
  auto waited = std::chrono::steady_clock::now() - start;
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(waited >= 1s);  // lower bound only: the backoff (<= 20 ms) was replaced by the server's 1 s
}

TEST_CASE("POST without an idempotency key is sent once; with one it is retried") {
  boost::asio::io_context io;
  TestServer server(io, [](const auto&, int) { return Reply{http_reply(503, "busy")}; });
  http::Client client(io.get_executor(), fast_options());
  auto r = get(io, client, server.url("/x"), http::Method::post);
  REQUIRE(r.ok());
  CHECK(r->status == 503);
  CHECK(server.requests() == 1);

  auto keyed = get(io, client, server.url("/x"), http::Method::post, "key-1");
  REQUIRE(keyed.ok());
  CHECK(server.requests() == 1 + 4);
}

TEST_CASE("POST refused with a 429 (so not carried out) is sent again") {
  boost::asio::io_context io;
  TestServer server(io, [](const auto&, int i) {
    return Reply{i == 0 ? http_reply(429, "slow down", "Retry-After: 0\r\n") : http_reply(201, "{}")};
  });
  http::Client client(io.get_executor(), fast_options());
  auto r = get(io, client, server.url("/x"), http::Method::post);
  REQUIRE(r.ok());
  CHECK(r->status == 201);
  CHECK(server.requests() == 2);
}

TEST_CASE("A 2xx body the caller rejects is asked for again on a GET, and returned as is on an unsafe POST") {
  boost::asio::io_context io;
  TestServer server(io, [](const auto&, int i) { return Reply{http_reply(200, i < 2 ? "{\"cut" : "{}")}; });
  http::Client client(io.get_executor(), fast_options());
  auto send = [&](http::Method method) {
    http::Request r;
    r.method = method;
    r.url = server.url("/x");
    r.accept_body = [](std::string_view body) { return body == "{}"; };
    r.timeout = 5s;
    return capsync::test::run(io, client.send(std::move(r)));
  };
  auto r = send(http::Method::get);
  REQUIRE(r.ok());
  CHECK(r->body == "{}");
  CHECK(r->attempts == 3);
  CHECK(server.requests() == 3);

  TestServer garbled(io, [](const auto&, int) { return Reply{http_reply(200, "{\"cut")}; });
  http::Request post;
  post.method = http::Method::post;
  post.url = garbled.url("/x");
  post.body = "{}";
  post.accept_body = [](std::string_view body) { return body == "{}"; };
  auto once = capsync::test::run(io, client.send(std::move(post)));
  REQUIRE(once.ok());
  CHECK(once->body == "{\"cut");
  CHECK(garbled.requests() == 1);
}

TEST_CASE("Oversized, truncated and malformed responses give clear errors") {
  boost::asio::io_context io;
  TestServer server(io, [](const test::RawRequest& req, int) {
    if (req.target == "/big") return Reply{http_reply(200, std::string(5000, 'x'))};
    if (req.target == "/truncated")
      return Reply{"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":", true};
    return Reply{"HTTP/1.1 abc what\r\n\r\n", true};
  });
  auto options = fast_options();
  options.max_body_bytes = 1000;
  options.retry.max_attempts = 1;
  http::Client client(io.get_executor(), options);

  auto big = get(io, client, server.url("/big"));
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code() == Errc::protocol);
  CHECK(big.error().message().find("max_body_bytes") != std::string::npos);

  auto truncated = get(io, client, server.url("/truncated"));
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.error().message().find("truncated") != std::string::npos);

  auto malformed = get(io, client, server.url("/malformed"));
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.error().code() == Errc::protocol);
  CHECK(malformed.error().message().find("Malformed HTTP response") != std::string::npos);
}

TEST_CASE("gzip responses are decoded and Accept-Encoding is sent") {
  boost::asio::io_context io;
  std::string seen_head;
  const std::string payload(10000, 'z');
  TestServer server(io, [&](const test::RawRequest& req, int) {
    seen_head = req.head;
    return Reply{http_reply(200, test::gzip_compress(payload), "Content-Encoding: gzip\r\n")};
  });
  http::Client client(io.get_executor(), fast_options());
  auto r = get(io, client, server.url("/x"));
  REQUIRE(r.ok());
  CHECK(r->body == payload);
  CHECK(seen_head.find("Accept-Encoding: gzip") != std::string::npos);
}

TEST_CASE("Plain http to a non-loopback host is refused without touching the network") {
  boost::asio::io_context io;
  http::Client client(io.get_executor(), fast_options());
  auto r = get(io, client, "http://example.com/api");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == Errc::invalid_argument);
  CHECK(r.error().message().find("https://") != std::string::npos);
  CHECK(client.TEST_connections_opened() == 0);
}

TEST_CASE("Keep-alive connections are reused, and a server-closed one is replaced") {
  boost::asio::io_context io;
  TestServer server(io, [](const auto&, int i) { return Reply{http_reply(200, "ok"), /*close_after=*/i == 2}; });
  http::Client client(io.get_executor(), fast_options());
  for (int i = 0; i < 3; ++i) REQUIRE(get(io, client, server.url("/x"))->status == 200);
  CHECK(client.TEST_connections_opened() == 1);
  // The server closed the connection after the third response without saying so.
  io.restart();
  io.run_for(20ms);
  auto r = get(io, client, server.url("/x"));
  REQUIRE(r.ok());
  CHECK(r->attempts == 1);
  CHECK(client.TEST_connections_opened() == 2);
}

TEST_CASE("Connections per host are bounded; extra requests queue") {
  boost::asio::io_context io;
  TestServer server(io, [](const auto&, int) { return Reply{http_reply(200, "ok"), false, 30ms}; });
  auto options = fast_options();
  options.max_connections_per_host = 2;
  http::Client client(io.get_executor(), options);
  int done = 0;
  for (int i = 0; i < 6; ++i)
    test::spawn(io, [&]() -> boost::asio::awaitable<void> {
      http::Request r;
      r.url = server.url("/x");
      auto res = co_await client.send(std::move(r));
      if (res.ok() && res->status == 200) ++done;
    });
  io.restart();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (done < 6 && std::chrono::steady_clock::now() < deadline) io.run_one_for(100ms);
  CHECK(done == 6);
  CHECK(server.max_open_connections() <= 2);
  CHECK(client.TEST_connections_opened() == 2);
}
