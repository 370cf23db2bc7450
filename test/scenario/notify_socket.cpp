#include "test/scenario/notify_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace capsync::scenario {

NotifySocket::NotifySocket(std::filesystem::path path) : path_(std::move(path)) {
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
  if (fd_ < 0 || bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0)
    throw std::runtime_error("cannot bind the notify socket " + path_.string());
}

NotifySocket::~NotifySocket() {
  if (fd_ >= 0) close(fd_);
  unlink(path_.c_str());
}

void NotifySocket::drain(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  while (poll(&p, 1, timeout_ms) > 0) {
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) break;
    messages_.emplace_back(buf, static_cast<std::size_t>(n));
    timeout_ms = 0;  // only take what is already queued
  }
}

const std::vector<std::string>& NotifySocket::messages() {
  drain(0);
  return messages_;
}

int NotifySocket::wait_for(const std::string& text, std::chrono::milliseconds timeout, std::size_t from) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (std::size_t i = from; i < messages_.size(); ++i)
      if (messages_[i].find(text) != std::string::npos) return static_cast<int>(i);
    from = std::max(from, messages_.size());
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -1;
    drain(static_cast<int>(left.count()));
  }
}

}  // namespace capsync::scenario
