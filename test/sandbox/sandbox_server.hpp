#pragma once
// HTTP/1.1 (or HTTPS) server in front of a Sandbox: keep-alive, one io thread, C++20
// coroutines. The only translation unit of the sandbox that includes Asio/Beast.

#include <memory>
#include <string>

#include "core/error/result.hpp"

namespace capsync::sandbox {

class Sandbox;

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 0;    // 0 = pick a free port
  bool tls = false;
  std::string ca_out;         // with tls: where the generated CA certificate (PEM) is written
  bool handle_signals = true; // SIGTERM/SIGINT stop run()
};

class SandboxServer final {
 public:
  SandboxServer(Sandbox& sandbox, ServerOptions options);
  ~SandboxServer();
  SandboxServer(const SandboxServer&) = delete;
  SandboxServer& operator=(const SandboxServer&) = delete;

  // Binds and listens; returns the base URL ("http://127.0.0.1:40123").
  Result<std::string> start();
  // Serves until stop() or a signal.
  void run();
  // Stops serving; safe from any thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses "127.0.0.1:8080" into options.host/port.
Result<void> parse_listen(const std::string& text, ServerOptions& options);

}  // namespace capsync::sandbox
