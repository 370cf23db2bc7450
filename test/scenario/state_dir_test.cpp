// capsyncd's start-up checks of its state directory, end to end: a state database that turns
// up empty or missing after capsyncd has used it is refused unless the operator says so.

#include <signal.h>
#include <sys/stat.h>

#include <filesystem>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test/scenario/daemon_process.hpp"

using namespace capsync::scenario;

namespace {

// capsyncd with test job handlers (test_handlers.hpp): these tests reach no provider.
const std::string capsyncd = CAPSYNCD_TEST_PATH;

class StateDir {
 public:
  StateDir() {
    for (const char* secret : {"capsule-token", "client-secret"}) {
      write_file(dir_ / secret, "not-a-real-secret\n");
      chmod((dir_ / secret).c_str(), 0600);
    }
    write_file(config(), fmt::format(R"(state_dir: {0}/state
admin_socket: {0}/admin.sock
connections:
  - name: acme
    capsule:
      token_file: {0}/capsule-token
    accounting:
      provider: xero
      client_id: client-acme
      client_secret_file: {0}/client-secret
)",
                                     dir_.path().string()));
  }

  std::filesystem::path config() const { return dir_ / "capsync.yaml"; }
  std::filesystem::path database() const { return dir_ / "state" / "capsync.db"; }

  // Starts capsyncd with `extra` arguments; the process and where its output goes.
  std::unique_ptr<ChildProcess> start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--config", config().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<ChildProcess>(
        capsyncd, args, std::map<std::string, std::string>{{"CAPSYNC_TEST_HANDLERS", "pull=succeed"}},
        dir_ / fmt::format("daemon-{}.log", ++runs_));
  }

  // Starts capsyncd, waits until it runs, and stops it cleanly.
  void run_once() {
    auto p = start();
    INFO(p->output());
    REQUIRE(p->wait_for_output("capsyncd started"));
    p->signal(SIGTERM);
    REQUIRE(p->wait_exit() == 0);
  }

 private:
  TempDir dir_;
  int runs_ = 0;
};

}  // namespace

TEST_CASE("a state database truncated to 0 bytes after a run is refused, and accepted with --accept-new-state") {
  StateDir s;
  s.run_once();
  REQUIRE(std::filesystem::exists(s.database().string() + ".initialized"));
  std::filesystem::resize_file(s.database(), 0);

  auto refused = s.start();
  const auto code = refused->wait_exit();
  INFO(refused->output());
  REQUIRE(code.has_value());
  CHECK(*code == 1);
  CHECK_THAT(refused->output(), Catch::Contains(s.database().string() + ": it is empty"));
  CHECK_THAT(refused->output(), Catch::Contains("--accept-new-state"));
  CHECK(std::filesystem::file_size(s.database()) == 0);  // nothing was created in its place

  auto accepted = s.start({"--accept-new-state"});
  INFO(accepted->output());
  REQUIRE(accepted->wait_for_output("capsyncd started"));
  CHECK_THAT(accepted->output(), Catch::Contains("starting with a new one as --accept-new-state asks"));
  accepted->signal(SIGTERM);
  REQUIRE(accepted->wait_exit() == 0);
  CHECK(std::filesystem::file_size(s.database()) > 0);
  s.run_once();  // the new database is the one capsyncd now knows
}

TEST_CASE("a missing state database after a run is refused, and a first start creates it without the flag") {
  StateDir s;
  REQUIRE_FALSE(std::filesystem::exists(s.database()));
  s.run_once();  // first start: no marker yet, nothing to refuse
  std::filesystem::remove(s.database());

  auto refused = s.start();
  const auto code = refused->wait_exit();
  INFO(refused->output());
  REQUIRE(code.has_value());
  CHECK(*code == 1);
  CHECK_THAT(refused->output(), Catch::Contains(s.database().string() + ": it is missing"));
  CHECK_FALSE(std::filesystem::exists(s.database()));

  auto accepted = s.start({"--accept-new-state"});
  INFO(accepted->output());
  REQUIRE(accepted->wait_for_output("capsyncd started"));
  accepted->signal(SIGTERM);
  REQUIRE(accepted->wait_exit() == 0);
}
