#include "daemon/config_diff.hpp"

#include <catch2/catch.hpp>

using namespace capsync;
using namespace capsync::daemon;
using namespace std::chrono_literals;

namespace {
config::ConnectionConfig connection(std::string name) {
  config::ConnectionConfig c;
  c.name = std::move(name);
  return c;
}
}  // namespace

TEST_CASE("reload: an identical config changes nothing") {
  config::Config a;
  a.connections.push_back(connection("acme"));
  CHECK(describe_changes(a, a).empty());
}

TEST_CASE("reload: added, removed and changed connections are described") {
  config::Config a, b;
  a.connections = {connection("acme"), connection("gone")};
  b.connections = {connection("acme"), connection("beta")};
  b.connections[0].sync.interval = 30min;
  b.connections[1].accounting.provider = config::Provider::sage;
  const auto changes = describe_changes(a, b);
  REQUIRE(changes.size() == 3);
  CHECK(changes[0] == "connection gone removed");
  CHECK(changes[1] == "connection acme changed: sync.interval 2h -> 30m");
  CHECK(changes[2] == "connection beta added (sage)");
}

TEST_CASE("reload: a changed secret is reported without its value") {
  config::Config a, b;
  a.connections = {connection("acme")};
  b.connections = {connection("acme")};
  b.connections[0].capsule.token = Secret("s3cr3t-value");
  const auto changes = describe_changes(a, b);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0] == "connection acme changed: capsule.token changed");
}

TEST_CASE("reload: settings read only at start-up say they need a restart") {
  config::Config a, b;
  b.state_dir = "/elsewhere";
  b.log_level = log::Level::debug;
  const auto changes = describe_changes(a, b);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0] == "log_level info -> debug");
  CHECK(changes[1] == "state_dir changed (takes effect after a restart)");
}
