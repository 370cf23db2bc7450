#pragma once
// Scenario-test helpers: the real capsyncd as a child process, a temporary directory, and
// waiting for conditions with a deadline (never a fixed sleep).

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace capsync::scenario {

using namespace std::chrono_literals;

// A loopback TCP port nothing listens on now, so parallel tests do not share a port.
int free_loopback_port();

// Polls `condition` until it holds or `timeout` passes; true when it held.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s);

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);

// A fresh directory under /tmp, removed with everything in it at destruction.
class TempDir final {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A child process whose stdout and stderr go to a file. Killed (SIGKILL) at destruction if
// still running.
class ChildProcess final {
 public:
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& extra_env, const std::filesystem::path& output_file);
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // The exit code (or 128 + signal) once the process ended within `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = 10s);
  bool running();
  // Everything the process wrote so far.
  std::string output() const;
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout = 10s) const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_;
  std::filesystem::path output_file_;
};

// Runs a program to completion and returns its exit code and combined output.
struct RunResult {
  int exit_code;
  std::string output;
};
RunResult run(const std::string& program, const std::vector<std::string>& args, std::chrono::milliseconds timeout = 10s);

}  // namespace capsync::scenario
