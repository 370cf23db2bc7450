#include "test/unit/http/sandbox_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace capsync::test {

std::string sandbox_path() {
  if (const char* env = std::getenv("CAPSYNC_SANDBOX"); env && *env) return env;
#ifdef CAPSYNC_SANDBOX_PATH
  return CAPSYNC_SANDBOX_PATH;
#else
  return "";
#endif
}

SandboxProcess::SandboxProcess(std::vector<std::string> args) {
  std::string path = sandbox_path();
  if (path.empty()) throw std::runtime_error("capsync-sandbox is not part of this build");
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  args.insert(args.begin(), {path, "--listen", "127.0.0.1:0"});
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  char line[512];
  if (f && fgets(line, sizeof line, f)) {
    base_url_ = line;
    while (!base_url_.empty() && (base_url_.back() == '\n' || base_url_.back() == '\r')) base_url_.pop_back();
  }
  out_ = f;  // kept open until the end: a closed pipe would kill the sandbox on its next print
  if (base_url_.empty()) throw std::runtime_error("capsync-sandbox printed no base URL");
}

SandboxProcess::~SandboxProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (out_) fclose(static_cast<FILE*>(out_));
}

}  // namespace capsync::test
