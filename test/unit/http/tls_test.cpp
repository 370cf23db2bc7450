#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include <boost/asio/io_context.hpp>

#include "core/http/client.hpp"
#include "test/unit/http/run.hpp"
#include "test/unit/http/sandbox_process.hpp"

using namespace capsync;
using namespace std::chrono_literals;

namespace {
std::string temp_file(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))).string();
}

Result<http::Response> get(boost::asio::io_context& io, http::Client& client, const std::string& url) {
  http::Request r;
  r.url = url;
  r.bearer = Secret("capsule-sandbox-token");
  return test::run(io, client.send(std::move(r)));
}
}  // namespace

TEST_CASE("TLS to the sandbox works with its CA and is refused without it") {
  if (test::sandbox_path().empty()) {
    WARN("capsync-sandbox is not part of this build");
    return;
  }
  const std::string ca = temp_file("capsync-sandbox-ca.pem");
  test::SandboxProcess sandbox({"--tls", "--ca-out", ca});
  REQUIRE(sandbox.base_url().starts_with("https://"));
  const std::string url = sandbox.base_url() + "/capsule/api/v2/users";
  boost::asio::io_context io;

  http::ClientOptions trusted;
  trusted.ca_file = ca;
  http::Client good(io.get_executor(), trusted);
  auto ok = get(io, good, url);
  REQUIRE(ok.ok());
  CHECK(ok->status == 200);

  http::ClientOptions untrusted;
  untrusted.retry.max_attempts = 3;
  http::Client bad(io.get_executor(), untrusted);
  auto refused = get(io, bad, url);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message().find("TLS certificate verification failed") != std::string::npos);
  CHECK(refused.error().message().find("ca_file") != std::string::npos);

  http::ClientOptions missing;
  missing.ca_file = "/nonexistent/ca.pem";
  http::Client broken(io.get_executor(), missing);
  auto no_ca = get(io, broken, url);
  REQUIRE_FALSE(no_ca.ok());
  CHECK(no_ca.error().message().find("Failed to load CA file") != std::string::npos);
  std::filesystem::remove(ca);
}
