// The admin socket, the metrics endpoint and the webhook listener, served in-process, against clients that stay
// silent, never read their answer, or arrive when the process is out of file descriptors.

#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "daemon/ctl/admin_client.hpp"
#include "daemon/admin_server.hpp"
#include "daemon/metrics_server.hpp"
#include "daemon/tasks.hpp"
#include "daemon/webhook_listener.hpp"
#include "test/unit/daemon/log_capture.hpp"
#include "test/unit/http/run.hpp"

using namespace capsync;
using namespace capsync::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// An io_context on its own thread, as capsyncd runs it, and the daemon's task set.
class Loop final {
 public:
  Loop() : tasks(io.get_executor(), [](const std::string&, const std::string&) {}) {}
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;
  ~Loop() { stop(); }

  void start() {
    thread_ = std::thread([this] {
      auto work = asio::make_work_guard(io);
      io.run();
    });
  }
  // Runs `f` on the loop's thread and returns its result.
  template <typename F>
  auto call(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io, [&task] { task(); });
    return result.get();
  }
  // Waits until `condition`, checked on the loop's thread (between its handlers, on a loop
  // timer), holds; false after `timeout` (a failure guard, not a timing claim).
  bool eventually(std::function<bool()> condition, std::chrono::milliseconds timeout = 20s) {
    auto held = std::make_shared<std::promise<void>>();
    auto given_up = std::make_shared<bool>(false);  // the loop's thread's
    auto future = held->get_future();
    capsync::test::spawn(io, [condition = std::move(condition), held, given_up]() -> asio::awaitable<void> {
      asio::steady_timer timer(co_await asio::this_coro::executor);
      while (!*given_up) {
        if (condition()) {
          held->set_value();
          co_return;
        }
        timer.expires_after(10ms);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      }
    });
    if (future.wait_for(timeout) == std::future_status::ready) return true;
    call([&] { return *given_up = true; });  // on the loop: the condition is not checked again
    return false;
  }
  void stop() {
    if (!thread_.joinable()) return;
    call([this] {
      tasks.cancel_all();
      return 0;
    });
    io.stop();
    thread_.join();
  }

  asio::io_context io;
  Tasks tasks;

 private:
  std::thread thread_;
};

class Fd final {
 public:
  explicit Fd(int fd) : fd_(fd) {
    if (fd_ < 0) throw std::runtime_error("cannot create a socket");
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { ::close(fd_); }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::unique_ptr<Fd> connect_unix(const std::string& path) {
  auto fd = std::make_unique<Fd>(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  if (::connect(fd->get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0)
    throw std::runtime_error("cannot connect to the admin socket");
  return fd;
}

std::unique_ptr<Fd> connect_tcp(std::uint16_t port) {
  auto fd = std::make_unique<Fd>(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd->get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0)
    throw std::runtime_error("cannot connect to the metrics port");
  return fd;
}

// True once the peer has closed the connection (EOF or reset), reading and dropping any data.
bool closed_by_peer(int fd, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
  }
}

// True when the peer has closed the connection already (the client sent nothing and gets nothing).
bool closed_now(int fd) {
  char byte;
  const ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

struct TempPath {
  TempPath() {
    std::string tmpl = "/tmp/capsync-listener-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
  }
  ~TempPath() { std::filesystem::remove_all(dir); }
  std::string dir;
};

}  // namespace

TEST_CASE("admin socket: a client that sends nothing is closed at its idle deadline") {
  TempPath tmp;
  Loop loop;
  AdminServer server(loop.io.get_executor(), {.path = tmp.dir + "/admin.sock", .group = std::nullopt, .idle_timeout = 1s},
                     [](std::string) -> asio::awaitable<std::string> { co_return R"({"ok":true})"; }, loop.tasks);
  REQUIRE(server.start().ok());
  loop.start();
  auto silent = connect_unix(tmp.dir + "/admin.sock");
  CHECK(closed_by_peer(silent->get()));
  CHECK(loop.eventually([&] { return server.sessions() == 0; }));
  loop.stop();
}

TEST_CASE("admin socket: a client that does not read its answer is closed at the write deadline") {
  TempPath tmp;
  Loop loop;
  const std::string huge(64 << 20, 'x');  // far more than the socket buffers hold
  AdminServer server(loop.io.get_executor(), {.path = tmp.dir + "/admin.sock", .group = std::nullopt, .write_timeout = 1s},
                     [&](std::string) -> asio::awaitable<std::string> { co_return huge; }, loop.tasks);
  REQUIRE(server.start().ok());
  loop.start();
  auto reader = connect_unix(tmp.dir + "/admin.sock");
  REQUIRE(::send(reader->get(), "{\"cmd\":\"status\"}\n", 17, MSG_NOSIGNAL) == 17);
  REQUIRE(loop.eventually([&] { return server.sessions() == 1; }));
  // The session gives up on the write and ends while the client still reads nothing.
  CHECK(loop.eventually([&] { return server.sessions() == 0; }));
  loop.stop();
}

TEST_CASE("admin socket: out of file descriptors, accept backs off, says so once, and status is answered after") {
  daemon::test::LogCapture log;
  TempPath tmp;
  Loop loop;
  const std::string path = tmp.dir + "/admin.sock";
  AdminServer server(loop.io.get_executor(), {.path = path, .group = std::nullopt},
                     [](std::string) -> asio::awaitable<std::string> { co_return R"({"ok":true})"; }, loop.tasks);
  REQUIRE(server.start().ok());
  loop.start();

  std::vector<std::unique_ptr<Fd>> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(connect_unix(path));
  REQUIRE(loop.eventually([&] { return server.sessions() == 4; }));
  // Sockets for the clients that arrive while the process has no descriptor left.
  std::vector<std::unique_ptr<Fd>> late;
  for (int i = 0; i < 8; ++i) late.push_back(std::make_unique<Fd>(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)));

  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &old) == 0);
  rlimit low = old;
  low.rlim_cur = 256;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  std::vector<int> filler;
  for (int fd = ::dup(0); fd >= 0; fd = ::dup(0)) filler.push_back(fd);
  for (auto& client : late) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    REQUIRE(::connect(client->get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0);
  }
  // Each refused accept closes the oldest idle session to free a descriptor: all four go.
  const bool evicted = loop.eventually([&] {
    for (auto& client : idle)
      if (!closed_now(client->get())) return false;
    return true;
  });
  for (int fd : filler) ::close(fd);
  setrlimit(RLIMIT_NOFILE, &old);
  INFO(log.text());
  CHECK(evicted);
  CHECK(log.count(capsync::log::Level::warning, "Too many open files") == 1);

  auto answer = admin_call(path, R"({"cmd":"status"})", 20s);
  REQUIRE(answer.ok());
  CHECK(*answer == R"({"ok":true})");
  loop.stop();
}

TEST_CASE("metrics: a client that sends nothing is closed at its read deadline") {
  Loop loop;
  MetricsServer server(loop.io.get_executor(), {.listen = "127.0.0.1:0", .timeout = 1s}, [] { return std::string(); },
                       loop.tasks);
  REQUIRE(server.start().ok());
  loop.start();
  auto silent = connect_tcp(server.port());
  CHECK(closed_by_peer(silent->get()));
  CHECK(loop.eventually([&] { return server.sessions() == 0; }));
  loop.stop();
}

TEST_CASE("metrics: a client that does not read the page is closed at the write deadline") {
  Loop loop;
  MetricsServer server(loop.io.get_executor(), {.listen = "127.0.0.1:0", .timeout = 1s},
                       [] { return std::string(64 << 20, 'x'); }, loop.tasks);
  REQUIRE(server.start().ok());
  loop.start();
  auto reader = connect_tcp(server.port());
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  REQUIRE(::send(reader->get(), request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  REQUIRE(loop.eventually([&] { return server.sessions() == 1; }));
  CHECK(loop.eventually([&] { return server.sessions() == 0; }));
  loop.stop();
}

TEST_CASE("metrics: silent connections beyond the cap make room for a scrape, oldest first") {
  Loop loop;
  MetricsServer server(loop.io.get_executor(), {.listen = "127.0.0.1:0", .max_connections = 4},
                       [] { return std::string("capsync_up 1\n"); }, loop.tasks);
  REQUIRE(server.start().ok());
  loop.start();
  std::vector<std::unique_ptr<Fd>> silent;
  for (int i = 0; i < 6; ++i) {
    silent.push_back(connect_tcp(server.port()));
    REQUIRE(loop.eventually([&] { return server.sessions() == static_cast<std::size_t>(std::min(i + 1, 4)); }));
  }
  // The first two were closed to admit the fifth and sixth; the rest stay open.
  CHECK(closed_by_peer(silent[0]->get()));
  CHECK(closed_by_peer(silent[1]->get()));
  auto scrape = connect_tcp(server.port());
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  REQUIRE(::send(scrape->get(), request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::recv(scrape->get(), buf, sizeof(buf), 0)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
  CHECK(answer.starts_with("HTTP/1.1 200 OK"));
  CHECK(answer.ends_with("capsync_up 1\n"));
  CHECK(closed_by_peer(silent[2]->get()));  // the oldest idle one made room for the scrape
  loop.stop();
}

namespace {

// Sends `request` (which asks to close) and reads the whole answer.
std::string exchange(std::uint16_t port, const std::string& request) {
  auto fd = connect_tcp(port);
  if (::send(fd->get(), request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
    throw std::runtime_error("cannot send the request");
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd->get(), buf, sizeof(buf), 0)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
  return answer;
}

std::string post(std::string_view path, std::string_view body) {
  return fmt::format("POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Test: yes\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                     path, body.size(), body);
}

// A listener whose one route (/webhooks/test/) answers what `answer` says, remembering what it saw.
struct WebhookFixture {
  explicit WebhookFixture(WebhookListener::Options options = {.listen = "127.0.0.1:0"})
      : listener(loop.io.get_executor(), options,
                 [this](std::span<const webhook::Event> events) -> Status {
                   if (fail_commit) return make_error(Errc::io, "disk full");
                   committed.insert(committed.end(), events.begin(), events.end());
                   return {};
                 },
                 [this](const std::string& source, const std::string& outcome, int status) {
                   delivered.push_back(fmt::format("{} {} {}", source, outcome, status));
                 },
                 loop.tasks) {
    listener.add_route({.prefix = "/webhooks/test/", .source = "test", .handler = [this](const WebhookRequest& r) {
                          seen_rest = std::string(r.rest);
                          seen_body = std::string(r.body);
                          seen_header = std::string(r.header("x-test"));
                          return answer;
                        }});
    REQUIRE(listener.start().ok());
    loop.start();
  }
  Loop loop;
  WebhookListener listener;
  WebhookAnswer answer;
  bool fail_commit = false;
  std::vector<webhook::Event> committed;
  std::vector<std::string> delivered;
  std::string seen_rest, seen_body, seen_header;
};

}  // namespace

TEST_CASE("webhooks: a delivery's events are committed before its answer goes out") {
  WebhookFixture f;
  const webhook::Event event{.connection = "acme", .kind = webhook::RecordKind::invoice, .remote_id = "inv-1",
                             .source = "test"};
  f.answer = {.status = 200, .outcome = "accepted", .events = {event}};
  const std::string answer = exchange(f.listener.port(), post("/webhooks/test/acme/t0k3n", R"({"a":1})"));
  CHECK(answer.starts_with("HTTP/1.1 200 OK"));
  CHECK(answer.find("Content-Length: 0") != std::string::npos);  // an empty body, as Xero requires
  // The answer arrived, so the commit has happened (it runs before the write).
  CHECK(f.loop.call([&] { return f.committed; }) == std::vector<webhook::Event>{event});
  CHECK(f.loop.call([&] { return f.seen_rest; }) == "acme/t0k3n");
  CHECK(f.loop.call([&] { return f.seen_body; }) == R"({"a":1})");
  CHECK(f.loop.call([&] { return f.seen_header; }) == "yes");
  CHECK(f.loop.call([&] { return f.delivered; }) == std::vector<std::string>{"test accepted 200"});
  f.loop.stop();
}

TEST_CASE("webhooks: a delivery whose events cannot be committed gets 503, so the sender retries") {
  WebhookFixture f;
  f.fail_commit = true;
  f.answer = {.status = 200, .outcome = "accepted", .events = {{.connection = "acme", .remote_id = "c-1"}}};
  CHECK(exchange(f.listener.port(), post("/webhooks/test/", "{}")).starts_with("HTTP/1.1 503"));
  CHECK(f.loop.call([&] { return f.delivered; }) == std::vector<std::string>{"test error 503"});
  f.loop.stop();
}

TEST_CASE("webhooks: other paths get 404, other methods 405, and neither reaches a handler") {
  WebhookFixture f;
  CHECK(exchange(f.listener.port(), post("/webhooks/other/", "{}")).starts_with("HTTP/1.1 404"));
  CHECK(exchange(f.listener.port(), "GET /webhooks/test/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .starts_with("HTTP/1.1 405"));
  CHECK(f.loop.call([&] { return f.delivered.empty() && f.seen_body.empty(); }));
  f.loop.stop();
}

TEST_CASE("webhooks: a body over the cap gets 413 and is never handed to a route") {
  WebhookFixture f({.listen = "127.0.0.1:0", .body_limit = 1024});
  CHECK(exchange(f.listener.port(), post("/webhooks/test/", std::string(4096, 'x'))).starts_with("HTTP/1.1 413"));
  CHECK(f.loop.call([&] { return f.seen_body.empty() && f.committed.empty(); }));
  f.loop.stop();
}

TEST_CASE("webhooks: a client that sends its headers too slowly is cut off") {
  WebhookFixture f({.listen = "127.0.0.1:0", .header_timeout = 500ms, .timeout = 30s});
  auto slow = connect_tcp(f.listener.port());
  const std::string start = "POST /webhooks/test/ HTTP/1.1\r\nHost: 127.0.0.1\r\n";  // never finished
  REQUIRE(::send(slow->get(), start.data(), start.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(start.size()));
  // Closed at header_timeout, well before the 30 s request deadline (closed_by_peer gives up at 20 s).
  CHECK(closed_by_peer(slow->get()));
  CHECK(f.loop.call([&] { return f.seen_body.empty(); }));
  f.loop.stop();
}
