#include "test/scenario/daemon_process.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace capsync::scenario {

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) throw std::runtime_error("bind() failed");
  socklen_t len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) throw std::runtime_error("getsockname() failed");
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);  // poll interval, not a timing assumption
  }
}

namespace {

// Checks `condition` now and each time `fd` turns readable (draining what it says) until it
// holds or `timeout` passes; true when it held.
bool wait_for_event(int fd, const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0) {
      char drain[4096];
      while (::read(fd, drain, sizeof(drain)) > 0) {
      }
    }
  }
}

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

TempDir::TempDir() {
  std::string tmpl = "/tmp/capsync-scenario-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& extra_env,
                           const std::filesystem::path& output_file)
    : output_file_(output_file) {
  const int out = open(output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) throw std::runtime_error("cannot open " + output_file.string());
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out, 1);
    dup2(out, 2);
    // Plain stderr lines and no inherited service-manager state, even when the tests run
    // under systemd; the test's own values come after.
    for (const char* name : {"JOURNAL_STREAM", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"}) unsetenv(name);
    for (const auto& [k, v] : extra_env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(out);
}

ChildProcess::~ChildProcess() {
  if (running()) {
    kill(pid_, SIGKILL);
    wait_exit(5s);
  }
}

void ChildProcess::signal(int sig) const { kill(pid_, sig); }

bool ChildProcess::running() {
  if (exit_) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return r == 0;
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (!running()) return exit_;
  // The pidfd turns readable when the process ends.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd < 0) {  // a kernel or sandbox without pidfd_open
    wait_until([this] { return !running(); }, timeout);
    return exit_;
  }
  wait_for_event(pidfd, [this] { return !running(); }, timeout);
  ::close(pidfd);
  return exit_;
}

std::string ChildProcess::output() const { return read_file(output_file_); }

bool ChildProcess::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const {
  auto written = [&] { return output().find(text) != std::string::npos; };
  // Woken by each write to the output file.
  const int watch = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (watch < 0 || ::inotify_add_watch(watch, output_file_.c_str(), IN_MODIFY) < 0) {
    if (watch >= 0) ::close(watch);
    return wait_until(written, timeout);
  }
  const bool held = wait_for_event(watch, written, timeout);
  ::close(watch);
  return held;
}

RunResult run(const std::string& program, const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  TempDir dir;
  ChildProcess child(program, args, {}, dir / "output");
  const auto code = child.wait_exit(timeout);
  return {code.value_or(-1), child.output()};
}

}  // namespace capsync::scenario
