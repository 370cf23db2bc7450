// capsync@NAME instances side by side, started as systemd starts them: the config names neither
// state_dir nor admin_socket, and each instance gets its own $STATE_DIRECTORY and
// $RUNTIME_DIRECTORY. They share nothing: database, socket, lock and connections are their own.

#include <signal.h>

#include <filesystem>
#include <map>
#include <memory>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "daemon/ctl/admin_client.hpp"
#include "test/scenario/daemon_process.hpp"

using namespace capsync::scenario;

namespace {

// capsyncd with test job handlers (test_handlers.hpp): these tests reach no provider.
const std::string capsyncd = CAPSYNCD_TEST_PATH;

// One instance's /etc/capsync/NAME.yaml, /var/lib/capsync/NAME and /run/capsync/NAME, under `root`.
class Instance {
 public:
  Instance(const std::filesystem::path& root, std::string name) : root_(root), name_(std::move(name)) {
    std::filesystem::create_directories(root_ / "etc");
    std::filesystem::create_directories(runtime_dir());
    for (const char* secret : {"capsule-token", "client-secret"}) {
      write_file(root_ / "etc" / fmt::format("{}-{}", name_, secret), "not-a-real-secret\n");
      std::filesystem::permissions(root_ / "etc" / fmt::format("{}-{}", name_, secret),
                                   std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
    write_file(config(), fmt::format(R"(connections:
  - name: {1}-client
    capsule:
      token_file: {0}/etc/{1}-capsule-token
    accounting:
      provider: xero
      client_id: client-{1}
      client_secret_file: {0}/etc/{1}-client-secret
)",
                                     root_.string(), name_));
  }

  std::filesystem::path config() const { return root_ / "etc" / (name_ + ".yaml"); }
  std::filesystem::path state_dir() const { return root_ / "state" / name_; }
  std::filesystem::path runtime_dir() const { return root_ / "run" / name_; }
  std::string socket() const { return (runtime_dir() / "admin.sock").string(); }

  std::unique_ptr<ChildProcess> start(int run) const {
    return std::make_unique<ChildProcess>(
        capsyncd, std::vector<std::string>{"--config", config().string()},
        std::map<std::string, std::string>{{"CAPSYNC_TEST_HANDLERS", "pull=succeed"},
                                           {"STATE_DIRECTORY", state_dir().string()},
                                           {"RUNTIME_DIRECTORY", runtime_dir().string()}},
        root_ / fmt::format("{}-{}.log", name_, run));
  }

  std::string status() const {
    auto answer = capsync::daemon::admin_call(socket(), R"({"cmd":"status"})");
    return answer ? *answer : std::string();
  }

 private:
  std::filesystem::path root_;
  std::string name_;
};

}  // namespace

TEST_CASE("two capsync@ instances side by side keep their own state, socket and connections") {
  TempDir root;
  const Instance a(root.path(), "shard-a"), b(root.path(), "shard-b");
  auto pa = a.start(1);
  auto pb = b.start(1);
  INFO(pa->output() << pb->output());
  REQUIRE(wait_until([&] { return !a.status().empty() && !b.status().empty(); }));

  const std::string sa = a.status(), sb = b.status();
  CHECK(sa.find("shard-a-client") != std::string::npos);
  CHECK(sa.find("shard-b-client") == std::string::npos);
  CHECK(sb.find("shard-b-client") != std::string::npos);
  CHECK(sb.find("shard-a-client") == std::string::npos);
  // Each database is in its own instance's state directory.
  CHECK(std::filesystem::exists(a.state_dir() / "capsync.db"));
  CHECK(std::filesystem::exists(b.state_dir() / "capsync.db"));
  CHECK_FALSE(std::filesystem::exists(root.path() / "state" / "capsync.db"));

  // A second daemon on the same instance is refused; the other instance is not in its way.
  auto again = a.start(2);
  const auto refused = again->wait_exit();
  REQUIRE(refused.has_value());
  CHECK(*refused != 0);
  CHECK(again->output().find("another capsyncd is already running") != std::string::npos);

  // Stopping one leaves the other serving.
  pa->signal(SIGTERM);
  REQUIRE(pa->wait_exit() == 0);
  CHECK(a.status().empty());
  CHECK(b.status().find("shard-b-client") != std::string::npos);
  pb->signal(SIGTERM);
  REQUIRE(pb->wait_exit() == 0);
}
