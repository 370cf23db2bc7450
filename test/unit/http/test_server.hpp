#pragma once
// A tiny raw HTTP/1.1 server on loopback for client tests: each reply is the exact bytes to send,
// so tests can produce truncated, malformed, gzip or stale-connection responses.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

namespace capsync::test {

struct RawRequest {
  std::string method, target, head, body;
};

struct Reply {
  std::string bytes;  // the whole response; empty = close without answering
  bool close_after = false;
  std::chrono::milliseconds delay{0};
};

class TestServer final {
 public:
  using Handler = std::function<Reply(const RawRequest&, int index)>;
  TestServer(boost::asio::io_context& io, Handler handler);
  ~TestServer();
  std::string url(const std::string& path) const;
  int requests() const;
  int connections() const;
  int max_open_connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// "HTTP/1.1 <status> X\r\nContent-Length: n\r\n<extra>\r\n<body>"
std::string http_reply(int status, const std::string& body, const std::string& extra_headers = "");

}  // namespace capsync::test
