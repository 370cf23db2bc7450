#include "daemon/config_diff.hpp"
#include "connectors/registry/registry.hpp"

#include <catch2/catch.hpp>

using namespace capsync;
using namespace capsync::daemon;
using namespace std::chrono_literals;

namespace {
config::ConnectionConfig connection(std::string name) {
  config::ConnectionConfig c;
  c.name = std::move(name);
  c.accounting.provider = registry::find("xero").value()->traits;
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
  b.connections[1].accounting.provider = registry::find("sage").value()->traits;
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

TEST_CASE("reload: every URL and identity of a connection is reported when it changes") {
  config::Config a, b;
  a.connections = {connection("acme")};
  b.connections = {connection("acme")};
  auto& n = b.connections[0];
  n.accounting.token_url = "https://id.example.com/token";
  n.accounting.authorize_url = "https://login.example.com/authorize";
  n.accounting.redirect_uri = "http://localhost:8765/callback";
  n.accounting.account_id = "A1";
  n.accounting.business_id = "B1";
  n.accounting.memorable_word = Secret("word-VALUE");
  n.sync.summary_fields.overdue = "Late";
  b.ca_file = "/etc/capsync/ca.pem";
  const auto changes = describe_changes(a, b);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0] == "ca_file changed (takes effect after a restart)");
  CHECK(changes[1] ==
        "connection acme changed: accounting.token_url (empty) -> https://id.example.com/token, "
        "accounting.authorize_url (empty) -> https://login.example.com/authorize, "
        "accounting.redirect_uri http://127.0.0.1:8765/callback -> http://localhost:8765/callback, "
        "accounting.account_id (unset) -> A1, accounting.business_id (unset) -> B1, accounting.memorable_word changed, "
        "sync.summary_fields.overdue Overdue -> Late");
  CHECK_THAT(changes[1], !Catch::Contains("word-VALUE"));
}

TEST_CASE("reload: settings the connectors were built with are kept, and say so") {
  config::ConnectionConfig running = connection("acme");
  running.accounting.base_url = "https://api.xero.com";
  running.accounting.token_url = "https://identity.xero.com/connect/token";
  running.capsule.token = Secret("old-token-VALUE");
  config::ConnectionConfig next = running;
  next.accounting.base_url = "https://api.example.com";
  next.accounting.token_url = "https://id.example.com/token";
  next.capsule.token = Secret("new-token-VALUE");
  next.accounting.redirect_uri = "http://[::1]:8765/callback";  // applied: read at each connect
  next.sync.interval = 30min;

  const auto kept = keep_restart_settings(running, next);
  REQUIRE(kept.size() == 3);
  CHECK(kept[0] == "capsule.token changed, needs a restart; still using the previous one");
  CHECK(kept[1] == "accounting.base_url https://api.xero.com -> https://api.example.com needs a restart; still using "
                   "https://api.xero.com");
  CHECK(kept[2] == "accounting.token_url https://identity.xero.com/connect/token -> https://id.example.com/token "
                   "needs a restart; still using https://identity.xero.com/connect/token");
  // The configuration put in force holds what is really used.
  CHECK(next.accounting.base_url == "https://api.xero.com");
  CHECK(next.accounting.token_url == "https://identity.xero.com/connect/token");
  CHECK(next.capsule.token == running.capsule.token);
  CHECK(next.accounting.redirect_uri == "http://[::1]:8765/callback");
  CHECK(next.sync.interval == 30min);

  config::Config before, after;
  before.connections = {running};
  after.connections = {next};
  CHECK(describe_changes(before, after) ==
        std::vector<std::string>{"connection acme changed: accounting.redirect_uri http://127.0.0.1:8765/callback -> "
                                 "http://[::1]:8765/callback, sync.interval 2h -> 30m"});
}

TEST_CASE("reload: a changed provider keeps the running accounting settings whole") {
  config::ConnectionConfig running = connection("acme");
  running.accounting.base_url = "https://api.xero.com";
  config::ConnectionConfig next = connection("acme");
  next.accounting.provider = registry::find("kashflow").value()->traits;
  next.accounting.base_url = "https://api.kashflow.com/v2";
  next.accounting.username = "ops";
  const auto kept = keep_restart_settings(running, next);
  REQUIRE(kept.size() == 1);
  CHECK(kept[0] == "accounting.provider xero -> kashflow needs a restart; still using xero with its settings");
  CHECK(next.accounting.provider.name == "xero");
  CHECK(next.accounting.base_url == "https://api.xero.com");
  CHECK(next.accounting.username.empty());
}

TEST_CASE("reload: a secret read from another file is reported by path, never by value") {
  config::Config a, b;
  a.connections = {connection("acme")};
  a.connections[0].secret_files = {{"capsule.token", "/etc/capsync/acme-token"},
                                   {"accounting.client_secret", "/etc/capsync/acme-secret"}};
  b.connections = a.connections;
  b.connections[0].secret_files["capsule.token"] = "/run/credentials/capsync.service/capsule";
  b.connections[0].secret_files.erase("accounting.client_secret");
  CHECK(describe_changes(a, b) ==
        std::vector<std::string>{"connection acme changed: accounting.client_secret file /etc/capsync/acme-secret -> "
                                 "(unset), capsule.token file /etc/capsync/acme-token -> "
                                 "/run/credentials/capsync.service/capsule"});

  // A kept secret keeps the file it came from too.
  b.connections[0].capsule.token = Secret("new-VALUE");
  const auto kept = keep_restart_settings(a.connections[0], b.connections[0]);
  CHECK(kept == std::vector<std::string>{"capsule.token changed, needs a restart; still using the previous one"});
  CHECK(b.connections[0].secret_files.at("capsule.token") == "/etc/capsync/acme-token");
}
