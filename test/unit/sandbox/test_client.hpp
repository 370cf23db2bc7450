#pragma once
// A small synchronous HTTP(S) client for the sandbox tests (one connection per request), plus
// a fixture that runs the sandbox in-process on its own thread.

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "test/sandbox/sandbox.hpp"
#include "test/sandbox/sandbox_server.hpp"

namespace capsync::sandbox::test {

struct HttpResult {
  int status = 0;                                 // 0 = no complete response
  std::map<std::string, std::string> headers;     // lower-case names
  std::string body;
  std::string error;                              // transport error, if any

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpCall {
  std::string method = "GET";
  std::string target;  // path + query
  std::map<std::string, std::string> headers;
  std::string body;
};

// `base_url` is "http://127.0.0.1:PORT" or "https://…" (then `ca_pem` must be given).
HttpResult http_call(const std::string& base_url, const HttpCall& call, const std::string& ca_pem = {});

class SandboxFixture {
 public:
  explicit SandboxFixture(std::string_view seed_json = default_seed(), double time_scale = 1.0, bool tls = false,
                          std::string ca_out = {});
  ~SandboxFixture();

  HttpResult call(const HttpCall& c) const { return http_call(url, c, ca_pem); }
  HttpResult get(const std::string& target, std::map<std::string, std::string> headers = {}) const;
  HttpResult send(const std::string& method, const std::string& target, const std::string& body,
                  std::map<std::string, std::string> headers = {}) const;

  std::string url;
  std::string ca_pem;

 private:
  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<SandboxServer> server_;
  std::thread thread_;
};

}  // namespace capsync::sandbox::test
