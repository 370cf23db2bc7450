// Every kind of config error, with its exact position and key path.
#include "core/config/config.hpp"

#include <catch2/catch.hpp>

#include "test/unit/config/config_test_support.hpp"
#include "connectors/registry/registry.hpp"

using namespace capsync::config;
using capsync::config::test::Credentials;
using capsync::config::test::kAcme;
using capsync::config::test::load;
using capsync::config::test::texts;
using Strings = std::vector<std::string>;

namespace {

std::string with_acme(std::string_view head, std::string_view connection_tail = {}) {
  return std::string(head) + std::string(kAcme) + std::string(connection_tail);
}

}  // namespace

TEST_CASE("the valid base config used by these tests loads without diagnostics", "[config]") {
  Credentials creds;
  const LoadResult r = load(kAcme, creds.env);
  CHECK(texts(r).empty());
  CHECK(r.ok());
}

TEST_CASE("a YAML syntax error reports yaml-cpp's position", "[config]") {
  Credentials creds;
  const LoadResult r = load("state_dir: /var/lib/capsync\nqueue: {lease: 2m\nconnections: []\n", creds.env);
  CHECK_FALSE(r.ok());
  CHECK_FALSE(r.config.has_value());
  CHECK(texts(r) == Strings{"capsync.yaml:3:12: invalid YAML: end of map flow not found"});
  CHECK(texts(load("a: b\n  c: d\n", creds.env)) == Strings{"capsync.yaml:2:4: invalid YAML: illegal map value"});
}

TEST_CASE("the top level must be a map", "[config]") {
  Credentials creds;
  CHECK(texts(load("- a\n- b\n", creds.env)) ==
        Strings{"capsync.yaml:1:1: expected a map of settings at the top level, got a list"});
}

TEST_CASE("unknown keys are refused with a suggestion", "[config]") {
  Credentials creds;
  const LoadResult r = load(with_acme("stat_dir: /srv/capsync\nfrobnicate: 1\n",
                                      "    sync:\n      intervall: 1h\n      token: x\n"),
                            creds.env);
  CHECK(texts(r) == Strings{
                        "capsync.yaml:1:1: stat_dir: unknown key \"stat_dir\" (did you mean \"state_dir\"?)",
                        "capsync.yaml:2:1: frobnicate: unknown key \"frobnicate\"",
                        "capsync.yaml:12:7: connections[0].sync.intervall: unknown key \"intervall\" (did you "
                        "mean \"interval\"?)",
                        "capsync.yaml:13:7: connections[0].sync.token: unknown key \"token\"",
                    });
  CHECK_FALSE(r.config.has_value());
}

TEST_CASE("values of the wrong type are refused", "[config]") {
  Credentials creds;
  const LoadResult r = load(with_acme("queue:\n"
                                      "  max_attempts: yes\n"
                                      "  lease: [1m]\n"
                                      "store: normal\n",
                                      "    enabled: maybe\n"
                                      "    time_zone: {a: b}\n"
                                      "    sync:\n"
                                      "      summary_fields: [Outstanding]\n"),
                            creds.env);
  CHECK(texts(r) == Strings{
                        "capsync.yaml:2:17: queue.max_attempts: expected an integer, got \"yes\"",
                        "capsync.yaml:3:10: queue.lease: expected a duration, got a list",
                        "capsync.yaml:4:8: store: expected a map, got a string",
                        "capsync.yaml:13:14: connections[0].enabled: expected true or false, got \"maybe\"",
                        "capsync.yaml:14:16: connections[0].time_zone: expected a string, got a map",
                        "capsync.yaml:16:23: connections[0].sync.summary_fields: expected a map, got a list",
                    });
}

TEST_CASE("a list where a map is expected, and a map where a list is expected", "[config]") {
  Credentials creds;
  CHECK(texts(load("connections:\n  acme: {}\n", creds.env)) ==
        Strings{"capsync.yaml:2:3: connections: expected a list, got a map"});
  CHECK(texts(load("connections:\n  - acme\n", creds.env)) ==
        Strings{"capsync.yaml:2:5: connections[0]: expected a map, got a string"});
}

TEST_CASE("integers are range-checked", "[config]") {
  Credentials creds;
  CHECK(texts(load(with_acme("queue:\n  max_attempts: 0\n"), creds.env)) ==
        Strings{"capsync.yaml:2:17: queue.max_attempts: must be between 1 and 1000, got 0"});
  CHECK(texts(load(with_acme("queue:\n  max_attempts: 99999999999\n"), creds.env)) ==
        Strings{"capsync.yaml:2:17: queue.max_attempts: must be between 1 and 1000, got 99999999999"});
}

TEST_CASE("missing required keys point at the map that lacks them", "[config]") {
  Credentials creds;
  const LoadResult r = load("connections:\n"
                            "  - enabled: true\n"
                            "    capsule: {}\n",
                            creds.env);
  CHECK(texts(r) == Strings{
                        "capsync.yaml:2:5: connections[0]: missing required key \"name\"",
                        "capsync.yaml:2:5: connections[0]: missing required key \"accounting\"",
                        "capsync.yaml:3:5: connections[0].capsule: missing required secret \"token\" (set "
                        "\"token_file: /path\" or \"token_credential: name\")",
                    });
}

TEST_CASE("R26 capsule.oauth without its client or with an inline secret is refused at its position", "[config]") {
  Credentials creds;
  const LoadResult r = load("connections:\n"
                            "  - name: acme\n"
                            "    capsule:\n"
                            "      token_credential: capsule\n"
                            "      oauth:\n"
                            "        client_secret: s3cr3t-inline\n"
                            "        redirect_uri: http://example.com/cb\n"
                            "    accounting: {provider: xero, client_id: abc, client_secret_credential: client-secret}\n",
                            creds.env);
  const Strings t = texts(r);
  REQUIRE(t.size() == 3);
  CHECK(t[0] == "capsync.yaml:5:7: connections[0].capsule.oauth: missing required key \"client_id\"");
  CHECK_THAT(t[1], Catch::StartsWith("capsync.yaml:6:9: connections[0].capsule.oauth.client_secret: secrets are not "
                                     "accepted inline"));
  CHECK_THAT(t[2], Catch::StartsWith("capsync.yaml:7:23: connections[0].capsule.oauth.redirect_uri: an http:// "
                                     "redirect_uri must name a loopback host"));
  for (const auto& line : t) CHECK(line.find("s3cr3t-inline") == std::string::npos);
}

TEST_CASE("bad durations are refused with the accepted forms", "[config]") {
  Credentials creds;
  const LoadResult r = load(with_acme("shutdown_grace: 30\n", "    sync:\n      interval: 2 hours\n      capsule_poll: 1s\n"),
                            creds.env);
  CHECK(texts(r) == Strings{
                        "capsync.yaml:1:17: shutdown_grace: invalid duration \"30\": missing unit (use a number and "
                        "a unit s, m, h or d, e.g. \"90s\", \"15m\", \"1h30m\")",
                        "capsync.yaml:11:17: connections[0].sync.interval: invalid duration \"2 hours\": unknown "
                        "unit (use a number and a unit s, m, h or d, e.g. \"90s\", \"15m\", \"1h30m\")",
                        "capsync.yaml:12:21: connections[0].sync.capsule_poll: must be at least 10s",
                    });
}

TEST_CASE("an unknown provider is refused with a suggestion and no cascade", "[config]") {
  Credentials creds;
  std::string yaml(kAcme);
  yaml.replace(yaml.find("provider: xero"), 14, "provider: xeroo");
  CHECK(texts(load(yaml, creds.env)) ==
        Strings{"capsync.yaml:6:17: connections[0].accounting.provider: unknown provider \"xeroo\" (did you mean "
                "\"xero\"?)"});
  yaml.replace(yaml.find("provider: xeroo"), 15, "provider: quickbooks");
  CHECK(texts(load(yaml, creds.env)) ==
        Strings{"capsync.yaml:6:17: connections[0].accounting.provider: unknown provider \"quickbooks\" (expected "
                "one of xero, freshbooks, kashflow, freeagent, sage)"});
}

TEST_CASE("a missing provider is reported on the accounting key", "[config]") {
  Credentials creds;
  std::string yaml(kAcme);
  yaml.erase(yaml.find("      provider: xero\n"), 21);
  CHECK(texts(load(yaml, creds.env)) ==
        Strings{"capsync.yaml:5:5: connections[0].accounting: missing required key \"provider\" (one of xero, "
                "freshbooks, kashflow, freeagent, sage)"});
}

TEST_CASE("provider-specific keys: required ones and ones that do not apply", "[config]") {
  Credentials creds;
  SECTION("OAuth providers need client_id and client_secret") {
    const LoadResult r = load("connections:\n"
                              "  - name: books\n"
                              "    capsule: {token_credential: capsule}\n"
                              "    accounting:\n"
                              "      provider: freeagent\n",
                              creds.env);
    CHECK(texts(r) == Strings{
                          "capsync.yaml:4:5: connections[0].accounting: missing required key \"client_id\"",
                          "capsync.yaml:4:5: connections[0].accounting: missing required secret \"client_secret\" "
                          "(set \"client_secret_file: /path\" or \"client_secret_credential: name\")",
                      });
  }
  SECTION("KashFlow needs its login and refuses OAuth keys") {
    const LoadResult r = load("connections:\n"
                              "  - name: shop\n"
                              "    capsule: {token_credential: capsule}\n"
                              "    accounting:\n"
                              "      provider: kashflow\n"
                              "      client_id: abc\n"
                              "      tenant_id: t1\n"
                              "      client_secret_credential: client-secret\n",
                              creds.env);
    CHECK(texts(r) == Strings{
                          "capsync.yaml:4:5: connections[0].accounting: missing required key \"username\"",
                          "capsync.yaml:4:5: connections[0].accounting: missing required secret \"password\" (set "
                          "\"password_file: /path\" or \"password_credential: name\")",
                          "capsync.yaml:4:5: connections[0].accounting: missing required secret \"memorable_word\" "
                          "(set \"memorable_word_file: /path\" or \"memorable_word_credential: name\")",
                          "capsync.yaml:6:7: connections[0].accounting.client_id: \"client_id\" does not apply to "
                          "provider \"kashflow\"",
                          "capsync.yaml:7:7: connections[0].accounting.tenant_id: \"tenant_id\" does not apply to "
                          "provider \"kashflow\"",
                          "capsync.yaml:8:7: connections[0].accounting.client_secret_credential: \"client_secret\" "
                          "does not apply to provider \"kashflow\"",
                      });
  }
  SECTION("tenant_id is a Xero setting") {
    std::string yaml(kAcme);
    yaml.replace(yaml.find("provider: xero"), 14, "provider: sage");
    yaml += "      tenant_id: t1\n      business_id: b1\n";
    CHECK(texts(load(yaml, creds.env)) ==
          Strings{"capsync.yaml:9:7: connections[0].accounting.tenant_id: \"tenant_id\" does not apply to provider "
                  "\"sage\""});
  }
}

TEST_CASE("a duplicate connection name points at the second and names the first's line", "[config]") {
  Credentials creds;
  std::string yaml(kAcme);
  yaml += std::string(kAcme).substr(std::string_view("connections:\n").size());
  CHECK(texts(load(yaml, creds.env)) ==
        Strings{"capsync.yaml:9:11: connections[1].name: duplicate connection name \"acme\" (first used at line 2)"});
}

TEST_CASE("connection names are restricted to a-z, 0-9, _ and -", "[config]") {
  Credentials creds;
  std::string yaml(kAcme);
  yaml.replace(yaml.find("name: acme"), 10, "name: Acme Ltd");
  CHECK(texts(load(yaml, creds.env)) ==
        Strings{"capsync.yaml:2:11: connections[0].name: invalid connection name \"Acme Ltd\": use 1 to 64 "
                "characters from a-z, 0-9, _ and -"});
}

TEST_CASE("a duplicate key in one map is refused", "[config]") {
  Credentials creds;
  CHECK(texts(load(with_acme("log_level: info\nlog_level: debug\n"), creds.env)) ==
        Strings{"capsync.yaml:2:1: log_level: duplicate key (first set at line 1)"});
}

TEST_CASE("bad enum values are refused with a suggestion or the accepted values", "[config]") {
  Credentials creds;
  const LoadResult r = load(with_acme("log_level: verbose\nstore:\n  synchronous: ful\n",
                                      "    sync:\n      matching: fuzzy\n      on_capsule_delete: unlnik\n"),
                            creds.env);
  CHECK(texts(r) == Strings{
                        "capsync.yaml:1:12: log_level: unknown log level \"verbose\" (expected one of debug, info, "
                        "notice, warning, error)",
                        "capsync.yaml:3:16: store.synchronous: unknown synchronous mode \"ful\" (did you mean "
                        "\"full\"?)",
                        "capsync.yaml:13:17: connections[0].sync.matching: unknown matching \"fuzzy\" (expected one "
                        "of exact, normalized)",
                        "capsync.yaml:14:26: connections[0].sync.on_capsule_delete: unknown on_capsule_delete value "
                        "\"unlnik\" (did you mean \"unlink\"?)",
                    });
}

TEST_CASE("an unknown time zone is refused with the nearest IANA name", "[config]") {
  Credentials creds;
  CHECK(texts(load(with_acme("", "    time_zone: Europe/Londn\n"), creds.env)) ==
        Strings{"capsync.yaml:9:16: connections[0].time_zone: unknown time zone \"Europe/Londn\" (did you mean "
                "\"Europe/London\"?)"});
  CHECK(texts(load(with_acme("", "    time_zone: Mars/Olympus_Mons_Base\n"), creds.env)) ==
        Strings{"capsync.yaml:9:16: connections[0].time_zone: unknown time zone \"Mars/Olympus_Mons_Base\" (use an "
                "IANA name such as \"Europe/London\" or \"UTC\")"});
}

TEST_CASE("paths, URLs and addresses are checked", "[config]") {
  Credentials creds;
  const LoadResult r = load(with_acme("state_dir: var/lib/capsync\n"
                                      "metrics_listen: localhost\n"
                                      "ca_file: /nonexistent/ca.pem\n",
                                      "      base_url: api.xero.com\n"),
                            creds.env);
  CHECK(texts(r) == Strings{
                        "capsync.yaml:1:12: state_dir: must be an absolute path, got \"var/lib/capsync\"",
                        "capsync.yaml:2:17: metrics_listen: expected host:port such as \"127.0.0.1:9464\", got "
                        "\"localhost\"",
                        "capsync.yaml:3:10: ca_file: cannot read \"/nonexistent/ca.pem\": No such file or directory",
                        "capsync.yaml:12:17: connections[0].accounting.base_url: expected an http:// or https:// "
                        "URL, got \"api.xero.com\"",
                    });
}

TEST_CASE("metrics_listen must be a loopback address, since the endpoint has no authentication", "[config]") {
  Credentials creds;
  for (const char* address : {"0.0.0.0:9464", "192.168.1.10:9464", "[::]:9464", "localhost:9464"}) {
    CAPTURE(address);
    CHECK(texts(load(with_acme(fmt::format("metrics_listen: \"{}\"\n", address), ""), creds.env)) ==
          Strings{fmt::format("capsync.yaml:1:17: metrics_listen: must be a loopback address such as "
                              "\"127.0.0.1:9464\" or \"[::1]:9464\" (the metrics endpoint has no authentication), "
                              "got \"{}\"",
                              address)});
  }
  for (const char* address : {"127.0.0.1:9464", "127.1.2.3:1", "[::1]:9464"}) {
    CAPTURE(address);
    CHECK(texts(load(with_acme(fmt::format("metrics_listen: \"{}\"\n", address), ""), creds.env)).empty());
  }
}

TEST_CASE("every error in the file is reported at once, in file order", "[config]") {
  Credentials creds;
  const LoadResult r = load("log_level: loud\n"
                            "queue:\n"
                            "  lease: soon\n"
                            "connections:\n"
                            "  - name: acme\n"
                            "    time_zone: Nowhere/City\n"
                            "    capsule:\n"
                            "      token: inline-value\n"
                            "    accounting:\n"
                            "      provider: sage\n"
                            "      client_id: abc\n"
                            "      client_secret_file: /nonexistent/secret\n"
                            "  - name: acme\n"
                            "    capsule: {token_credential: capsule}\n"
                            "    accounting: {provider: kashflow, username: u, password_credential: capsule,"
                            " memorable_word_credential: capsule}\n"
                            "    sync: {interval: 1x}\n",
                            creds.env);
  REQUIRE(r.diagnostics.size() == 7);
  const Strings t = texts(r);
  CHECK_THAT(t[0], Catch::StartsWith("capsync.yaml:1:12: log_level: unknown log level \"loud\""));
  CHECK_THAT(t[1], Catch::StartsWith("capsync.yaml:3:10: queue.lease: invalid duration \"soon\""));
  CHECK_THAT(t[2], Catch::StartsWith("capsync.yaml:6:16: connections[0].time_zone: unknown time zone"));
  CHECK_THAT(t[3], Catch::StartsWith("capsync.yaml:8:7: connections[0].capsule.token: secrets are not accepted inline"));
  CHECK_THAT(t[4], Catch::StartsWith("capsync.yaml:12:7: connections[0].accounting.client_secret_file: cannot read "
                                     "secret file \"/nonexistent/secret\""));
  CHECK(t[5] == "capsync.yaml:13:11: connections[1].name: duplicate connection name \"acme\" (first used at line 5)");
  CHECK_THAT(t[6], Catch::StartsWith("capsync.yaml:16:22: connections[1].sync.interval: invalid duration \"1x\""));
  CHECK_FALSE(r.ok());
  CHECK_FALSE(r.config.has_value());
}

TEST_CASE("a missing config file is an error without a position", "[config]") {
  const LoadResult r = load_file("/nonexistent/capsync.yaml", capsync::registry::catalog(), Environment{});
  CHECK_FALSE(r.ok());
  CHECK(texts(r) == Strings{"/nonexistent/capsync.yaml: cannot read config file: No such file or directory"});
}

TEST_CASE("an http:// redirect_uri must be loopback; https:// may name any host", "[config]") {
  Credentials creds;
  const LoadResult bad = load(with_acme("", "      redirect_uri: http://capsync.example.com:8765/callback\n"), creds.env);
  CHECK(texts(bad) == Strings{
                          "capsync.yaml:9:21: connections[0].accounting.redirect_uri: an http:// redirect_uri must "
                          "name a loopback host such as 127.0.0.1, where capsyncd listens, got "
                          "\"http://capsync.example.com:8765/callback\"; for another host register an https:// URL "
                          "and use `capsyncctl connect --manual`",
                      });
  for (const char* ok : {"http://127.0.0.1:9000/cb", "http://localhost:8765/callback", "http://[::1]:8765/callback",
                         "https://capsync.example.com/callback"}) {
    const LoadResult r = load(with_acme("", std::string("      redirect_uri: ") + ok + "\n"), creds.env);
    CHECK(texts(r).empty());
    REQUIRE(r.ok());
    CHECK(r.config->connections[0].accounting.redirect_uri == ok);
  }
}

TEST_CASE("durations above their bound are refused at the value", "[config]") {
  Credentials creds;
  // The values of the reported busy loop: they passed, and the timers wrapped into the past.
  const LoadResult r = load(with_acme("shutdown_grace: 2h\n"
                                      "queue:\n"
                                      "  retention: 100000000000000000d\n"
                                      "  lease: 3d\n"
                                      "  backoff: 2d\n"
                                      "  backoff_cap: 8d\n",
                                      "    sync:\n"
                                      "      interval: 200000d\n"
                                      "      capsule_poll: 110000d\n"
                                      "      full_reconcile: 31d\n"),
                            creds.env);
  const Strings t = texts(r);
  REQUIRE(t.size() == 8);
  CHECK(t[0] == "capsync.yaml:1:17: shutdown_grace: must be at most 1h, got \"2h\"");
  CHECK_THAT(t[1], Catch::StartsWith("capsync.yaml:3:14: queue.retention: invalid duration \"100000000000000000d\": "
                                     "duration too large"));
  CHECK(t[2] == "capsync.yaml:4:10: queue.lease: must be at most 1d, got \"3d\"");
  CHECK(t[3] == "capsync.yaml:5:12: queue.backoff: must be at most 1d, got \"2d\"");
  CHECK(t[4] == "capsync.yaml:6:16: queue.backoff_cap: must be at most 7d, got \"8d\"");
  // Longer than the daemon's clock can hold at all.
  CHECK(t[5] == "capsync.yaml:16:17: connections[0].sync.interval: invalid duration \"200000d\": duration too large "
                "(at most 106751d)");
  CHECK(t[6] == "capsync.yaml:17:21: connections[0].sync.capsule_poll: invalid duration \"110000d\": duration too "
                "large (at most 106751d)");
  CHECK(t[7] == "capsync.yaml:18:23: connections[0].sync.full_reconcile: must be at most 30d, got \"31d\"");
  CHECK_FALSE(r.ok());

  const Strings within_clock = texts(load(with_acme("", "    sync:\n      interval: 31d\n      capsule_poll: 25h\n"), creds.env));
  CHECK(within_clock ==
        Strings{"capsync.yaml:10:17: connections[0].sync.interval: must be at most 30d, got \"31d\"",
                "capsync.yaml:11:21: connections[0].sync.capsule_poll: must be at most 1d, got \"25h\""});

  // The bounds themselves are accepted.
  const LoadResult edge = load(with_acme("shutdown_grace: 1h\nqueue:\n  retention: 3650d\n  lease: 1d\n"
                                         "  backoff: 1d\n  backoff_cap: 7d\n",
                                         "    sync:\n      interval: 30d\n      capsule_poll: 1d\n"
                                         "      full_reconcile: 30d\n"),
                               creds.env);
  CHECK(texts(edge).empty());
  REQUIRE(edge.ok());
  CHECK(edge.config->queue.retention == std::chrono::days(3650));
  CHECK(edge.config->connections[0].sync.interval == std::chrono::days(30));
}

TEST_CASE("an http:// URL to another machine is refused: tokens never cross the network in clear", "[config]") {
  Credentials creds;
  const auto only = [&](std::string_view key, std::string_view url) {
    const LoadResult r = load(with_acme("", fmt::format("      {}: {}\n", key, url)), creds.env);
    CHECK_FALSE(r.ok());
    const Strings t = texts(r);
    REQUIRE(t.size() == 1);
    return t[0];
  };
  for (std::string_view key : {"base_url", "token_url", "authorize_url"}) {
    CAPTURE(key);
    CHECK(only(key, "http://api.example.com/v2") ==
          fmt::format("capsync.yaml:9:{}: connections[0].accounting.{}: http:// would send tokens in clear text: use "
                      "https://, or http:// only to this machine (127.0.0.0/8, [::1] or localhost), got "
                      "\"http://api.example.com/v2\"",
                      key.size() + 9, key));
  }
  const LoadResult capsule = load("connections:\n  - name: acme\n    capsule:\n      base_url: http://10.0.0.5:8080\n"
                                  "      token_credential: capsule\n" +
                                      std::string(kAcme.substr(kAcme.find("    accounting:"))),
                                  creds.env);
  CHECK(texts(capsule) == Strings{"capsync.yaml:4:17: connections[0].capsule.base_url: http:// would send tokens in "
                                  "clear text: use https://, or http:// only to this machine (127.0.0.0/8, [::1] or "
                                  "localhost), got \"http://10.0.0.5:8080\""});
  // A name that merely starts like a loopback address is another machine.
  CHECK(only("base_url", "http://127.0.0.1.example.com/") ==
        "capsync.yaml:9:17: connections[0].accounting.base_url: expected an http:// or https:// URL, got "
        "\"http://127.0.0.1.example.com/\"");
  CHECK(only("token_url", "http:///token") ==
        "capsync.yaml:9:18: connections[0].accounting.token_url: expected an http:// or https:// URL, got "
        "\"http:///token\"");
  // User info is refused without echoing it: it may be a password.
  const std::string with_password = only("base_url", "https://admin:hunter2@api.xero.com");
  CHECK(with_password == "capsync.yaml:9:17: connections[0].accounting.base_url: must not contain a user name or "
                         "password (\"user@\" before the host): credentials go in their own keys, never in a URL");

  for (const char* url : {"http://127.0.0.1:9000", "http://127.5.6.7/v2", "http://[::1]:8080/x", "http://localhost:1234",
                          "https://api.example.com/v2"}) {
    CAPTURE(url);
    for (std::string_view key : {"base_url", "token_url", "authorize_url"}) {
      const LoadResult r = load(with_acme("", fmt::format("      {}: {}\n", key, url)), creds.env);
      CHECK(texts(r).empty());
    }
  }
}

TEST_CASE("a redirect_uri names its loopback host as capsyncd listens on it, without user info", "[config]") {
  Credentials creds;
  const auto only = [&](std::string_view url) {
    const Strings t = texts(load(with_acme("", fmt::format("      redirect_uri: {}\n", url)), creds.env));
    REQUIRE(t.size() == 1);
    return t[0];
  };
  CHECK(only("http://127.0.0.2:8765/callback") ==
        "capsync.yaml:9:21: connections[0].accounting.redirect_uri: an http:// redirect_uri must name its loopback "
        "host as 127.0.0.1, [::1] or localhost, the addresses capsyncd listens on and providers accept, got "
        "\"http://127.0.0.2:8765/callback\"");
  CHECK_THAT(only("http://localhost.localdomain:8765/callback"),
             Catch::StartsWith("capsync.yaml:9:21: connections[0].accounting.redirect_uri: an http:// redirect_uri "
                               "must name a loopback host such as 127.0.0.1, where capsyncd listens"));
  CHECK_THAT(only("http://127.0.0.1.example.com:8765/callback"),
             Catch::EndsWith("expected an http:// or https:// URL, got \"http://127.0.0.1.example.com:8765/callback\""));
  CHECK_THAT(only("http://me@127.0.0.1:8765/callback"), Catch::EndsWith("must not contain a user name or password "
                                                                        "(\"user@\" before the host): credentials go "
                                                                        "in their own keys, never in a URL"));
  CHECK_THAT(only("https://me:pw@capsync.example.com/callback"), Catch::Contains("must not contain a user name"));
}

TEST_CASE("R28 identical summary field names on one Capsule account are refused at both places",
          "[config][R28]") {
  Credentials creds;
  const LoadResult r = load(with_acme("",
                                      "    sync:\n"
                                      "      summary_fields: {outstanding: Balance}\n"
                                      "  - name: acme-sage\n"
                                      "    capsule:\n"
                                      "      token_credential: capsule\n"
                                      "    accounting:\n"
                                      "      provider: sage\n"
                                      "      client_id: abc\n"
                                      "      client_secret_credential: client-secret\n"
                                      "    sync:\n"
                                      "      summary_fields:\n"
                                      "        overdue: Balance\n"),
                            creds.env);
  CHECK_FALSE(r.config.has_value());
  CHECK(texts(r) ==
        Strings{"capsync.yaml:10:37: connections[0].sync.summary_fields.outstanding: summary field \"Balance\" is "
                "also written by connection \"acme-sage\" on the same Capsule account, at capsync.yaml:20:18 "
                "(connections[1].sync.summary_fields.overdue): connections sharing a Capsule account need their own "
                "summary_fields",
                "capsync.yaml:20:18: connections[1].sync.summary_fields.overdue: summary field \"Balance\" is also "
                "written by connection \"acme\" on the same Capsule account, at capsync.yaml:10:37 "
                "(connections[0].sync.summary_fields.outstanding): connections sharing a Capsule account need "
                "their own summary_fields"});
}

TEST_CASE("webhooks: a bad listen address, body cap and a missing Xero key are each reported where they are",
          "[config]") {
  Credentials creds;
  const LoadResult r = load(with_acme("webhooks:\n"
                                      "  listen: localhost\n"
                                      "  max_body: 10\n"
                                      "  xero:\n"
                                      "    webhook_key: inline-secret\n",
                                      ""),
                            creds.env);
  const auto t = texts(r);
  REQUIRE(t.size() >= 3);
  CHECK(t[0] == "capsync.yaml:2:11: webhooks.listen: expected host:port such as \"127.0.0.1:9464\", got \"localhost\"");
  CHECK(t[1].starts_with("capsync.yaml:3:13: webhooks.max_body: "));
  CHECK(t[2].starts_with("capsync.yaml:5:5: webhooks.xero.webhook_key: "));
  for (const auto& line : t) CHECK(line.find("inline-secret") == std::string::npos);  // never echoed
}

TEST_CASE("webhooks: a Xero key by credential name loads, with the listener's defaults", "[config]") {
  Credentials creds;
  creds.dir.write("xero-webhook-key", "k3y\n", 0400);
  const LoadResult r = load(with_acme("webhooks:\n  xero:\n    webhook_key_credential: xero-webhook-key\n", ""), creds.env);
  REQUIRE(r.ok());
  REQUIRE(r.config->webhooks);
  CHECK(r.config->webhooks->listen == "127.0.0.1:8787");
  CHECK(r.config->webhooks->max_body == 1024 * 1024);
  CHECK(r.config->webhooks->silence_warning == std::chrono::hours(6));
  CHECK(r.config->webhooks->xero_webhook_key.reveal() == "k3y");
}

TEST_CASE("webhooks: public_url must be https, or http to this machine, with no query; each place is reported",
          "[config]") {
  Credentials creds;
  const LoadResult bad = load(with_acme("webhooks:\n"
                                        "  public_url: http://hooks.example.com\n",
                                        ""),
                              creds.env);
  CHECK_FALSE(bad.ok());
  REQUIRE(texts(bad).size() == 1);
  CHECK(texts(bad)[0].starts_with("capsync.yaml:2:15: webhooks.public_url: http:// would send tokens in clear text"));
  const LoadResult query = load(with_acme("webhooks:\n  public_url: https://hooks.example.com/x?a=1\n", ""), creds.env);
  REQUIRE(texts(query).size() == 1);
  CHECK(texts(query)[0] == "capsync.yaml:2:15: webhooks.public_url: expected a base URL such as "
                           "\"https://hooks.example.com\" without a query or fragment, got "
                           "\"https://hooks.example.com/x?a=1\"");
  const LoadResult not_url = load(with_acme("webhooks:\n  public_url: hooks.example.com\n", ""), creds.env);
  REQUIRE(texts(not_url).size() == 1);
  CHECK(texts(not_url)[0].starts_with("capsync.yaml:2:15: webhooks.public_url: expected an http:// or https:// URL"));
}

TEST_CASE("webhooks: an https public_url loads without its trailing slash; http is allowed to this machine",
          "[config]") {
  Credentials creds;
  const LoadResult https = load(with_acme("webhooks:\n  public_url: https://hooks.example.com/capsync/\n", ""), creds.env);
  REQUIRE(https.ok());
  CHECK(https.config->webhooks->public_url == "https://hooks.example.com/capsync");
  const LoadResult loopback = load(with_acme("webhooks:\n  public_url: http://127.0.0.1:8787\n", ""), creds.env);
  REQUIRE(loopback.ok());
  CHECK(loopback.config->webhooks->public_url == "http://127.0.0.1:8787");
  const LoadResult none = load(with_acme("webhooks:\n  listen: 127.0.0.1:8787\n", ""), creds.env);
  REQUIRE(none.ok());
  CHECK_FALSE(none.config->webhooks->public_url.has_value());
}
