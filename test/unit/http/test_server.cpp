#include "test/unit/http/test_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "test/unit/http/run.hpp"

namespace capsync::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto tok = asio::as_tuple(asio::use_awaitable);

struct TestServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, Handler h) : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), handler(std::move(h)) {}
  tcp::acceptor acceptor;
  Handler handler;
  int requests = 0, connections = 0, open = 0, max_open = 0;

  asio::awaitable<void> serve(tcp::socket socket) {
    auto self = shared_from_this();
    ++connections;
    max_open = std::max(max_open, ++open);
    std::string buffer;
    for (;;) {
      auto [ec, n] = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), "\r\n\r\n", tok);
      if (ec) break;
      RawRequest req;
      req.head = buffer.substr(0, n);
      buffer.erase(0, n);
      auto sp1 = req.head.find(' '), sp2 = req.head.find(' ', sp1 + 1);
      req.method = req.head.substr(0, sp1);
      req.target = req.head.substr(sp1 + 1, sp2 - sp1 - 1);
      std::size_t length = 0;
      if (auto cl = req.head.find("Content-Length: "); cl != std::string::npos) length = std::stoul(req.head.substr(cl + 16));
      if (buffer.size() < length) {
        auto [rec, m] = co_await asio::async_read(socket, asio::dynamic_buffer(buffer), asio::transfer_exactly(length - buffer.size()), tok);
        (void)m;
        if (rec) break;
      }
      req.body = buffer.substr(0, length);
      buffer.erase(0, length);
      Reply reply = handler(req, requests++);
      if (reply.delay.count() > 0) {
        asio::steady_timer t(socket.get_executor(), reply.delay);
        co_await t.async_wait(tok);
      }
      if (reply.bytes.empty()) break;
      auto [wec, w] = co_await asio::async_write(socket, asio::buffer(reply.bytes), tok);
      (void)w;
      if (wec || reply.close_after) break;
    }
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    --open;
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(tok);
      if (ec) co_return;
      test::spawn(acceptor.get_executor(), serve(std::move(socket)));
    }
  }
};

TestServer::TestServer(asio::io_context& io, Handler handler) : impl_(std::make_shared<Impl>(io, std::move(handler))) {
  test::spawn(io, impl_->accept_loop());
}
TestServer::~TestServer() {
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}
std::string TestServer::url(const std::string& path) const {
  return fmt::format("http://127.0.0.1:{}{}", impl_->acceptor.local_endpoint().port(), path);
}
int TestServer::requests() const { return impl_->requests; }
int TestServer::connections() const { return impl_->connections; }
int TestServer::max_open_connections() const { return impl_->max_open; }

std::string http_reply(int status, const std::string& body, const std::string& extra_headers) {
  return fmt::format("HTTP/1.1 {} X\r\nContent-Length: {}\r\n{}\r\n{}", status, body.size(), extra_headers, body);
}

}  // namespace capsync::test
