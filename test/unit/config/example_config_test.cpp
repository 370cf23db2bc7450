// etc/capsync.yaml is the documentation operators copy: it must always load cleanly.
#include "core/config/config.hpp"

#include <catch2/catch.hpp>

#include "test/unit/config/config_test_support.hpp"
#include "connectors/registry/registry.hpp"

using namespace capsync::config;
using capsync::config::test::TempDir;
using capsync::config::test::texts;

TEST_CASE("etc/capsync.yaml loads without any diagnostic", "[config][example]") {
  TempDir credentials;  // what systemd LoadCredential= would provide for the example's names
  credentials.write("acme-capsule-token", "capsule-token\n", 0400);
  credentials.write("acme-xero-client-secret", "xero-secret\n", 0400);
  Environment env;
  env.credentials_directory = credentials.path();

  const LoadResult r = load_file(CAPSYNC_SOURCE_DIR "/etc/capsync.yaml", capsync::registry::catalog(), env);
  CHECK(texts(r).empty());
  REQUIRE(r.ok());
  const Config& c = *r.config;
  CHECK(summary(c) == "1 connection (acme: xero), state_dir=/var/lib/capsync");
  const ConnectionConfig& acme = c.connections.at(0);
  CHECK(acme.time_zone == "Europe/London");
  CHECK(acme.capsule.token.reveal() == "capsule-token");
  CHECK(acme.accounting.client_secret.reveal() == "xero-secret");

  // The values the example shows as defaults are the defaults.
  const Config defaults;
  const ConnectionConfig connection_defaults;
  CHECK(c.state_dir == defaults.state_dir);
  CHECK(c.admin_socket == defaults.admin_socket);
  CHECK(c.shutdown_grace == defaults.shutdown_grace);
  CHECK(c.queue.max_attempts == defaults.queue.max_attempts);
  CHECK(c.queue.lease == defaults.queue.lease);
  CHECK(c.queue.retention == defaults.queue.retention);
  CHECK(acme.sync.interval == connection_defaults.sync.interval);
  CHECK(acme.sync.capsule_poll == connection_defaults.sync.capsule_poll);
  CHECK(acme.sync.full_reconcile == connection_defaults.sync.full_reconcile);
  CHECK(acme.sync.summary_fields.next_due == connection_defaults.sync.summary_fields.next_due);
  CHECK(acme.sync.overdue_tag == connection_defaults.sync.overdue_tag);
  CHECK(acme.sync.export_tag == "Export to Xero");
  const ProviderEndpoints xero = capsync::registry::find("xero").value()->traits.endpoints;
  CHECK(acme.accounting.base_url == xero.base_url);
  CHECK(acme.accounting.token_url == xero.token_url);
  CHECK(acme.accounting.authorize_url == xero.authorize_url);
}
