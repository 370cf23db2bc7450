// Defaults, explicit values, per-provider endpoints and the summary line.
#include "core/config/config.hpp"

#include <catch2/catch.hpp>

#include "test/unit/config/config_test_support.hpp"

using namespace capsync::config;
using namespace std::chrono_literals;
using capsync::config::test::Credentials;
using capsync::config::test::kCapsuleToken;
using capsync::config::test::kClientSecret;
using capsync::config::test::load;
using capsync::config::test::texts;

namespace {

std::string connection(std::string_view name, std::string_view provider, std::string_view accounting_extra = {}) {
  std::string out = fmt::format(
      "  - name: {}\n"
      "    capsule:\n"
      "      token_credential: capsule\n"
      "    accounting:\n"
      "      provider: {}\n",
      name, provider);
  if (provider == "kashflow") {
    out += "      username: api-user\n"
           "      password_credential: client-secret\n"
           "      memorable_word_credential: capsule\n";
  } else {
    out += "      client_id: abc\n"
           "      client_secret_credential: client-secret\n";
  }
  out += accounting_extra;
  return out;
}

}  // namespace

TEST_CASE("a minimal config gets every documented default", "[config]") {
  Credentials creds;
  const LoadResult r = load("connections:\n" + connection("acme", "xero"), creds.env);
  REQUIRE(texts(r).empty());
  REQUIRE(r.ok());
  const Config& c = *r.config;
  CHECK(c.state_dir == "/var/lib/capsync");
  CHECK(c.log_level == capsync::log::Level::info);
  CHECK(c.admin_socket == "/run/capsync/admin.sock");
  CHECK_FALSE(c.admin_socket_group.has_value());
  CHECK_FALSE(c.metrics_listen.has_value());
  CHECK(c.shutdown_grace == 30s);
  CHECK(c.store.synchronous == Synchronous::normal);
  CHECK(c.queue.max_attempts == 8);
  CHECK(c.queue.lease == 2min);
  CHECK(c.queue.retention == 24h * 7);
  CHECK_FALSE(c.ca_file.has_value());
  REQUIRE(c.connections.size() == 1);

  const ConnectionConfig& acme = c.connections[0];
  CHECK(acme.name == "acme");
  CHECK(acme.enabled);
  CHECK(acme.time_zone == "UTC");
  CHECK(acme.capsule.base_url == "https://api.capsulecrm.com");
  CHECK(acme.capsule.token.reveal() == kCapsuleToken);
  CHECK(acme.accounting.provider.name == "xero");
  CHECK(acme.accounting.base_url == "https://api.xero.com");
  CHECK(acme.accounting.token_url == "https://identity.xero.com/connect/token");
  CHECK(acme.accounting.authorize_url == "https://login.xero.com/identity/connect/authorize");
  CHECK(acme.accounting.redirect_uri == "http://127.0.0.1:8765/callback");
  CHECK(acme.accounting.client_id == "abc");
  CHECK(acme.accounting.client_secret.reveal() == kClientSecret);
  CHECK_FALSE(acme.accounting.refresh_token.has_value());
  CHECK_FALSE(acme.accounting.tenant_id.has_value());

  const SyncOptions& s = acme.sync;
  CHECK(s.interval == 2h);
  CHECK(s.capsule_poll == 5min);
  CHECK(s.full_reconcile == 24h);
  CHECK(s.matching == Matching::exact);
  CHECK_FALSE(s.include_supplier_invoices);
  CHECK_FALSE(s.default_team.has_value());
  CHECK(s.on_capsule_delete == OnCapsuleDelete::recreate);
  CHECK(s.summary_fields.outstanding == "Outstanding");
  CHECK(s.summary_fields.overdue == "Overdue");
  CHECK(s.summary_fields.next_due == "Next due date");
  CHECK(s.summary_fields.last_invoice == "Last invoice date");
  CHECK(s.overdue_tag == "Overdue invoices");
  CHECK_FALSE(s.invoice_note);
  CHECK(s.export_tag == "Export to Xero");
}

TEST_CASE("the Capsule base URL can point at a sandbox", "[config]") {
  Credentials creds;
  const LoadResult r = load("connections:\n"
                            "  - name: acme\n"
                            "    capsule: {base_url: 'http://127.0.0.1:8080', token_credential: capsule}\n"
                            "    accounting: {provider: xero, client_id: abc, client_secret_credential: client-secret}\n",
                            creds.env);
  REQUIRE(texts(r).empty());
  CHECK(r.config->connections.at(0).capsule.base_url == "http://127.0.0.1:8080");
}

TEST_CASE("R26 a registered Capsule app is read from capsule.oauth, its secret by reference", "[config]") {
  Credentials creds;
  const LoadResult plain = load("connections:\n"
                                "  - name: acme\n"
                                "    capsule: {token_credential: capsule}\n"
                                "    accounting: {provider: xero, client_id: abc, client_secret_credential: client-secret}\n",
                                creds.env);
  REQUIRE(texts(plain).empty());
  CHECK_FALSE(plain.config->connections.at(0).capsule.oauth.has_value());

  const LoadResult r = load("connections:\n"
                            "  - name: acme\n"
                            "    capsule:\n"
                            "      token_credential: capsule\n"
                            "      oauth:\n"
                            "        client_id: capsule-app\n"
                            "        client_secret_credential: client-secret\n"
                            "        redirect_uri: http://127.0.0.1:9000/capsule\n"
                            "        token_url: http://127.0.0.1:8080/oauth/token\n"
                            "    accounting: {provider: xero, client_id: abc, client_secret_credential: client-secret}\n",
                            creds.env);
  REQUIRE(texts(r).empty());
  const auto& capsule = r.config->connections.at(0).capsule;
  REQUIRE(capsule.oauth.has_value());
  CHECK(capsule.oauth->client_id == "capsule-app");
  CHECK(capsule.oauth->client_secret.reveal() == kClientSecret);
  CHECK(capsule.oauth->redirect_uri == "http://127.0.0.1:9000/capsule");
  CHECK(capsule.oauth->token_url == "http://127.0.0.1:8080/oauth/token");
  CHECK(capsule.oauth->authorize_url.empty());  // Capsule's own, from the registry
  CHECK(r.config->connections.at(0).secret_files.contains("capsule.oauth.client_secret"));
}

TEST_CASE("every explicit value is mapped", "[config]") {
  Credentials creds;
  const LoadResult r = load("state_dir: /srv/capsync\n"
                            "log_level: debug\n"
                            "admin_socket: /run/cs.sock\n"
                            "admin_socket_group: ops\n"
                            "metrics_listen: \"[::1]:9464\"\n"
                            "shutdown_grace: 1m30s\n"
                            "store: {synchronous: full}\n"
                            "queue: {max_attempts: 3, lease: 45s, retention: 1d}\n"
                            "connections:\n" +
                                connection("beta", "freshbooks", "      account_id: Ab12\n") +
                                "    enabled: false\n"
                                "    time_zone: America/New_York\n"
                                "    sync:\n"
                                "      interval: 30m\n"
                                "      capsule_poll: 90s\n"
                                "      full_reconcile: 2d\n"
                                "      matching: normalized\n"
                                "      include_supplier_invoices: true\n"
                                "      default_team: Sales\n"
                                "      on_capsule_delete: unlink\n"
                                "      summary_fields: {outstanding: Due, overdue: Late, next_due: Next, "
                                "last_invoice: Last}\n"
                                "      overdue_tag: Late payer\n"
                                "      invoice_note: true\n"
                                "      export_tag: To FB\n",
                            creds.env);
  REQUIRE(texts(r).empty());
  const Config& c = *r.config;
  CHECK(c.state_dir == "/srv/capsync");
  CHECK(c.log_level == capsync::log::Level::debug);
  CHECK(c.admin_socket == "/run/cs.sock");
  CHECK(c.admin_socket_group == "ops");
  CHECK(c.metrics_listen == "[::1]:9464");
  CHECK(c.shutdown_grace == 90s);
  CHECK(c.store.synchronous == Synchronous::full);
  CHECK(c.queue.max_attempts == 3);
  CHECK(c.queue.lease == 45s);
  CHECK(c.queue.retention == 24h);
  const ConnectionConfig& beta = c.connections.at(0);
  CHECK_FALSE(beta.enabled);
  CHECK(beta.time_zone == "America/New_York");
  CHECK(beta.accounting.provider.name == "freshbooks");
  CHECK(beta.accounting.account_id == "Ab12");
  CHECK(beta.sync.interval == 30min);
  CHECK(beta.sync.capsule_poll == 90s);
  CHECK(beta.sync.full_reconcile == 48h);
  CHECK(beta.sync.matching == Matching::normalized);
  CHECK(beta.sync.include_supplier_invoices);
  CHECK(beta.sync.default_team == "Sales");
  CHECK(beta.sync.on_capsule_delete == OnCapsuleDelete::unlink);
  CHECK(beta.sync.summary_fields.outstanding == "Due");
  CHECK(beta.sync.summary_fields.overdue == "Late");
  CHECK(beta.sync.summary_fields.next_due == "Next");
  CHECK(beta.sync.summary_fields.last_invoice == "Last");
  CHECK(beta.sync.overdue_tag == "Late payer");
  CHECK(beta.sync.invoice_note);
  CHECK(beta.sync.export_tag == "To FB");
  CHECK(summary(c) == "1 connection (beta: freshbooks [disabled]), state_dir=/srv/capsync");
}

TEST_CASE("each provider gets its real endpoints and export tag by default", "[config]") {
  Credentials creds;
  const LoadResult r = load("connections:\n" + connection("a", "xero") + connection("b", "freshbooks") +
                                connection("c", "kashflow") + connection("d", "freeagent") +
                                connection("e", "sage", "      business_id: 0d40\n      base_url: https://127.0.0.1:8443/sage\n"),
                            creds.env);
  REQUIRE(texts(r).empty());
  const auto& cs = r.config->connections;
  REQUIRE(cs.size() == 5);
  CHECK(cs[1].accounting.base_url == "https://api.freshbooks.com");
  CHECK(cs[1].accounting.token_url == "https://api.freshbooks.com/auth/oauth/token");
  CHECK(cs[1].accounting.authorize_url == "https://auth.freshbooks.com/oauth/authorize");
  CHECK(cs[1].sync.export_tag == "Export to FreshBooks");
  CHECK(cs[2].accounting.base_url == "https://api.kashflow.com/v2");
  CHECK(cs[2].accounting.token_url.empty());
  CHECK(cs[2].accounting.username == "api-user");
  CHECK(cs[2].accounting.password.reveal() == kClientSecret);
  CHECK(cs[2].accounting.memorable_word.reveal() == kCapsuleToken);
  CHECK(cs[2].sync.export_tag == "Export to KashFlow");
  CHECK(cs[3].accounting.base_url == "https://api.freeagent.com/v2");
  CHECK(cs[3].accounting.token_url == "https://api.freeagent.com/v2/token_endpoint");
  CHECK(cs[3].accounting.authorize_url == "https://api.freeagent.com/v2/approve_app");
  CHECK(cs[3].sync.export_tag == "Export to FreeAgent");
  CHECK(cs[4].accounting.base_url == "https://127.0.0.1:8443/sage");
  CHECK(cs[4].accounting.token_url == "https://oauth.accounting.sage.com/token");
  CHECK(cs[4].accounting.authorize_url == "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1");
  CHECK(cs[4].accounting.business_id == "0d40");
  CHECK(cs[4].sync.export_tag == "Export to Sage");
  CHECK(summary(*r.config) ==
        "5 connections (a: xero, b: freshbooks, c: kashflow, d: freeagent, e: sage), state_dir=/var/lib/capsync");
}

TEST_CASE("an empty file loads with defaults and warns that nothing will sync", "[config]") {
  const LoadResult r = load("", Environment{});
  REQUIRE(r.ok());
  CHECK(r.config->connections.empty());
  CHECK(texts(r) ==
        std::vector<std::string>{"capsync.yaml: warning: connections: no connections configured; the daemon will "
                                 "have nothing to sync"});
  CHECK(summary(*r.config) == "0 connections, state_dir=/var/lib/capsync");
}

TEST_CASE("Environment::current reads CREDENTIALS_DIRECTORY", "[config]") {
  ::setenv("CREDENTIALS_DIRECTORY", "/run/credentials/capsync.service", 1);
  CHECK(Environment::current().credentials_directory == "/run/credentials/capsync.service");
  ::unsetenv("CREDENTIALS_DIRECTORY");
  CHECK(Environment::current().credentials_directory.empty());
}

TEST_CASE("a Sage connection says whether its drafts are sales quotes or sales estimates", "[config]") {
  Credentials creds;
  const LoadResult r = load("connections:\n" + connection("a", "sage") +
                                connection("b", "sage", "      quote_kind: estimate\n"),
                            creds.env);
  REQUIRE(texts(r).empty());
  CHECK_FALSE(r.config->connections[0].accounting.drafts_estimates);
  CHECK(r.config->connections[1].accounting.drafts_estimates);

  const LoadResult wrong = load("connections:\n" + connection("a", "sage", "      quote_kind: proposal\n"), creds.env);
  CHECK_FALSE(wrong.ok());
  const LoadResult other = load("connections:\n" + connection("a", "xero", "      quote_kind: estimate\n"), creds.env);
  CHECK_FALSE(other.ok());
}

TEST_CASE("R28 a second connection on the same Capsule account gets summary fields named after its service",
          "[config][R28]") {
  Credentials creds;
  const LoadResult r = load("connections:\n" + connection("acme", "xero") + connection("acme-sage", "sage") +
                                "    sync:\n"
                                "      summary_fields: {overdue: Sage overdue}\n",
                            creds.env);
  REQUIRE(texts(r).empty());
  const SummaryFields& first = r.config->connections.at(0).sync.summary_fields;
  const SummaryFields& second = r.config->connections.at(1).sync.summary_fields;
  CHECK(first.outstanding == "Outstanding");
  CHECK(first.last_invoice == "Last invoice date");
  CHECK(second.outstanding == "Outstanding (Sage)");
  CHECK(second.overdue == "Sage overdue");  // given: kept as it is
  CHECK(second.next_due == "Next due date (Sage)");
  CHECK(second.last_invoice == "Last invoice date (Sage)");
  // What --check-config and the start-up log say about them.
  CHECK(shared_capsule_accounts(*r.config) == std::vector<std::vector<std::string>>{{"acme", "acme-sage"}});
  REQUIRE(shared_capsule_notes(*r.config).size() == 1);
  CHECK(shared_capsule_notes(*r.config).front().starts_with("acme and acme-sage share a Capsule account"));
}

TEST_CASE("R28 connections on different Capsule accounts keep the plain default summary fields", "[config][R28]") {
  Credentials creds;
  creds.dir.write("other-capsule", "another-capsule-token\n", 0400);
  std::string other = connection("beta", "sage");
  other.replace(other.find("token_credential: capsule"), 25, "token_credential: other-capsule");
  const LoadResult r = load("connections:\n" + connection("acme", "xero") + other, creds.env);
  REQUIRE(texts(r).empty());
  CHECK(r.config->connections.at(1).sync.summary_fields.outstanding == "Outstanding");
  CHECK(shared_capsule_accounts(*r.config).empty());
}

TEST_CASE("R19 the quotes block is off by default and maps every value with the milestone's position", "[config]") {
  Credentials creds;
  const LoadResult off = load("connections:\n" + connection("acme", "xero"), creds.env);
  REQUIRE(off.ok());
  const QuoteSettings& d = off.config->connections.at(0).quotes;
  CHECK_FALSE(d.from_milestone.has_value());
  CHECK(d.valid_for == 24h * 30);
  CHECK(d.account_code.empty());
  CHECK(d.tax_type.empty());
  CHECK(d.accepted_tag == "Quote accepted");
  CHECK(off.config->connections.at(0).sync.summary_fields.open_quotes == "Open quotes");

  const LoadResult r = load("connections:\n" + connection("acme", "xero") +
                                "    sync: {summary_fields: {open_quotes: Quoted}}\n"
                                "    quotes:\n"
                                "      from_milestone: Proposal\n"
                                "      valid_for: 14d\n"
                                "      account_code: \"200\"\n"
                                "      tax_type: OUTPUT2\n"
                                "      accepted_tag: Won quote\n",
                            creds.env);
  INFO((texts(r).empty() ? std::string() : texts(r).front()));
  REQUIRE(r.ok());
  const auto& acme = r.config->connections.at(0);
  CHECK(acme.sync.summary_fields.open_quotes == "Quoted");
  CHECK(acme.quotes.from_milestone == "Proposal");
  CHECK(acme.quotes.valid_for == 24h * 14);
  CHECK(acme.quotes.account_code == "200");
  CHECK(acme.quotes.tax_type == "OUTPUT2");
  CHECK(acme.quotes.accepted_tag == "Won quote");
  CHECK_THAT(acme.quotes.from_milestone_at,
             Catch::Matches(R"(capsync\.yaml:\d+:23: connections\[0\]\.quotes\.from_milestone)"));
}

TEST_CASE("R19 an unknown key or a bad value in the quotes block is refused with its position", "[config]") {
  Credentials creds;
  const LoadResult r = load("connections:\n" + connection("acme", "xero") +
                                "    quotes: {from_milestone: Proposal, valid_for: 2h, acepted_tag: x}\n",
                            creds.env);
  REQUIRE_FALSE(r.ok());
  const auto all = texts(r);
  REQUIRE(all.size() == 2);
  CHECK_THAT(all[0], Catch::Contains("connections[0].quotes.valid_for"));
  CHECK_THAT(all[1], Catch::Contains("connections[0].quotes.acepted_tag") && Catch::Contains("did you mean \"accepted_tag\""));
}

TEST_CASE("capsync@NAME: the unit's StateDirectory and RuntimeDirectory are the defaults; the file's settings win",
          "[config]") {
  ::setenv("STATE_DIRECTORY", "/var/lib/capsync/shard-a", 1);
  ::setenv("RUNTIME_DIRECTORY", "/run/capsync/shard-a", 1);
  const Environment env = Environment::current();
  ::unsetenv("STATE_DIRECTORY");
  ::unsetenv("RUNTIME_DIRECTORY");
  const LoadResult defaults = load("", env);
  REQUIRE(defaults.ok());
  CHECK(defaults.config->state_dir == "/var/lib/capsync/shard-a");
  CHECK(defaults.config->admin_socket == "/run/capsync/shard-a/admin.sock");

  const LoadResult explicit_ = load("state_dir: /srv/capsync\nadmin_socket: /srv/capsync.sock\n", env);
  REQUIRE(explicit_.config);
  CHECK(explicit_.config->state_dir == "/srv/capsync");
  CHECK(explicit_.config->admin_socket == "/srv/capsync.sock");

  // Outside systemd nothing changes.
  const LoadResult plain = load("", Environment{});
  REQUIRE(plain.ok());
  CHECK(plain.config->state_dir == "/var/lib/capsync");
  CHECK(plain.config->admin_socket == "/run/capsync/admin.sock");
}

TEST_CASE("capsyncctl --instance NAME finds the socket of capsync@NAME", "[config]") {
  capsync::config::test::TempDir dir;
  CHECK(*instance_admin_socket("shard-a", dir.path()) == "/run/capsync/shard-a/admin.sock");
  dir.write("shard-b.yaml", "log_level: info\n");
  CHECK(*instance_admin_socket("shard-b", dir.path()) == "/run/capsync/shard-b/admin.sock");
  dir.write("shard-c.yaml", "admin_socket: /srv/shard-c.sock\n");
  CHECK(*instance_admin_socket("shard-c", dir.path()) == "/srv/shard-c.sock");
  for (const char* bad : {"", "../etc", "a/b", ".hidden"}) CHECK_FALSE(instance_admin_socket(bad, dir.path()).ok());
}
