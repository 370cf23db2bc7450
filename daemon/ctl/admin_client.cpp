#include "daemon/ctl/admin_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace capsync::daemon {

namespace {

class Fd final {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Waits for `events` on fd until `deadline`; false on timeout.
bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int r = poll(&p, 1, static_cast<int>(left.count()));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return true;  // let the following call report the error
  }
}

}  // namespace

Result<std::string> admin_call(const std::string& socket_path, std::string_view request,
                               std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(addr.sun_path))
    return make_error(Errc::invalid_argument, "socket path too long: {}", socket_path);
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);

  Fd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return make_error(Errc::io, "cannot create a socket: {}", std::strerror(errno));
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    const int e = errno;
    if (e == ENOENT || e == ECONNREFUSED)
      return make_error(Errc::not_found, "capsyncd is not running (nothing listens on {})", socket_path);
    if (e == EACCES)
      return make_error(Errc::unauthorized, "permission denied on {} (run as root or a member of the admin group)",
                        socket_path);
    return make_error(Errc::io, "cannot connect to {}: {}", socket_path, std::strerror(e));
  }

  std::string out(request);
  out.push_back('\n');
  std::size_t sent = 0;
  while (sent < out.size()) {
    if (!wait_for(fd.get(), POLLOUT, deadline)) return make_error(Errc::timeout, "capsyncd did not accept the request");
    const ssize_t n = send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return make_error(Errc::io, "cannot send to {}: {}", socket_path, std::strerror(errno));
    }
    sent += static_cast<std::size_t>(n);
  }

  std::string in;
  char buf[4096];
  for (;;) {
    if (auto nl = in.find('\n'); nl != std::string::npos) return in.substr(0, nl);
    if (!wait_for(fd.get(), POLLIN, deadline)) return make_error(Errc::timeout, "capsyncd did not answer in time");
    const ssize_t n = recv(fd.get(), buf, sizeof(buf), 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return make_error(Errc::io, "cannot read from {}: {}", socket_path, std::strerror(errno));
    }
    if (n == 0) return make_error(Errc::protocol, "capsyncd closed the connection without an answer");
    in.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace capsync::daemon
