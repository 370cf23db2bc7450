#pragma once
// Runs capsync-sandbox as a child process for tests that need a provider.

#include <string>
#include <vector>

namespace capsync::test {

class SandboxProcess final {
 public:
  // Starts the sandbox with extra arguments; base_url() is the first line it prints.
  explicit SandboxProcess(std::vector<std::string> args = {});
  ~SandboxProcess();
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;
  const std::string& base_url() const { return base_url_; }
  bool running() const { return pid_ > 0 && !base_url_.empty(); }

 private:
  int pid_ = -1;
  std::string base_url_;
  void* out_ = nullptr;  // FILE* of the sandbox's stdout
};

// The sandbox binary CMake built (CAPSYNC_SANDBOX_PATH), or "" if this build has none.
std::string sandbox_path();

}  // namespace capsync::test
