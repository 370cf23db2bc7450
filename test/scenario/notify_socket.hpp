#pragma once
// NotifySocket: stands in for systemd's NOTIFY_SOCKET, collecting what the daemon sends.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace capsync::scenario {

class NotifySocket final {
 public:
  explicit NotifySocket(std::filesystem::path path);
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  ~NotifySocket();

  const std::filesystem::path& path() const { return path_; }
  // Waits for a message containing `text` that arrives after the `from`-th message (0-based
  // index into messages()); returns its index, or -1 on timeout.
  int wait_for(const std::string& text, std::chrono::milliseconds timeout, std::size_t from = 0);
  // Every message received so far.
  const std::vector<std::string>& messages();

 private:
  void drain(int timeout_ms);
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

}  // namespace capsync::scenario
