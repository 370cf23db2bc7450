// capsyncctl connect against a running capsyncd and the sandbox (design §3 OAuth, §4 capsyncctl):
// a connection without tokens is authorized through the loopback redirect (or a pasted URL),
// syncs with the new tokens, and no secret reaches the journal or capsyncctl's output.

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "core/config/provider.hpp"
#include "test/scenario/sync_world.hpp"
#include "test/unit/http/sandbox_process.hpp"
#include "test/unit/sandbox/test_client.hpp"
#include "connectors/registry/registry.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;
using capsync::sandbox::test::http_call;
using capsync::sandbox::test::HttpResult;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// A browser's GET of an absolute http URL, redirects not followed.
HttpResult browse(const std::string& url) {
  const auto path = url.find('/', url.find("://") + 3);
  REQUIRE(path != std::string::npos);
  capsync::sandbox::test::HttpCall call;
  call.target = url.substr(path);
  return http_call(url.substr(0, path), call);
}

// A world whose connection has no refresh token and the given redirect_uri.
WorldOptions unauthorized(const std::string& redirect_uri) {
  WorldOptions o;
  o.refresh_token = false;
  o.accounting_yaml = "redirect_uri: " + redirect_uri;
  return o;
}

Seed acme_seed() {
  Seed seed;
  seed.party(organisation(11, "Acme Ltd"))
      .contact(xero_contact("c-1", "Acme Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "120.00", 10));
  return seed;
}

void wait_for_auth(SyncWorld& world, std::string_view state) {
  const bool reached = wait_until(
      [&] {
        const auto r = world.ctl({"--json", "status"});
        return r.exit_code == 0 && contains(r.output, fmt::format(R"("auth":"{}")", state));
      },
      30s);
  INFO(world.ctl({"status"}).output);
  REQUIRE(reached);
}

// `capsyncctl connect ARGS…` running in the background.
std::unique_ptr<ChildProcess> start_connect(const SyncWorld& world, std::vector<std::string> args,
                                            const std::string& output_name) {
  std::vector<std::string> all{"--socket", (world.dir() / "admin.sock").string(), "connect"};
  all.insert(all.end(), args.begin(), args.end());
  return std::make_unique<ChildProcess>(CAPSYNCCTL_PATH, all, std::map<std::string, std::string>{},
                                        world.dir() / output_name);
}

// The authorize URL capsyncctl prints on its own indented line.
std::string printed_url(const ChildProcess& ctl) {
  REQUIRE(ctl.wait_for_output("\n\n", 20s));
  const std::string out = ctl.output();
  const auto at = out.find("\n  http");
  INFO(out);
  REQUIRE(at != std::string::npos);
  const auto end = out.find('\n', at + 1);
  return out.substr(at + 3, end - at - 3);
}

std::string query_value(const std::string& url, std::string_view key) {
  const auto at = url.find(fmt::format("{}=", key));
  REQUIRE(at != std::string::npos);
  const auto start = at + key.size() + 1;
  return url.substr(start, url.find('&', start) - start);
}

}  // namespace

TEST_CASE("connect: a connection without tokens is authorized through the loopback redirect and then syncs") {
  for (const std::string& provider : conformance_providers()) {
    if (capsync::registry::find(provider).value()->traits.login != capsync::config::Login::oauth2) continue;  // KashFlow: its own case below
    SECTION(provider) {
      const int port = free_loopback_port();
      Seed seed(provider);
      seed.party(organisation(11, "Acme Ltd"))
          .contact(org_contact("c-1", "Acme Ltd"))
          .invoice(sales_invoice("c-1", "INV-1", "120.00", 10));
      SyncWorld world(seed, unauthorized(fmt::format("http://127.0.0.1:{}/callback", port)));
      world.start_daemon(false);
      wait_for_auth(world, "needs_authorization");
      const auto before = world.ctl({"status"});
      CHECK(contains(before.output, "(run `capsyncctl connect acme`)"));

      auto ctl = start_connect(world, {"acme"}, "connect.out");
      const std::string url = printed_url(*ctl);
      CHECK(contains(ctl->output(), fmt::format("ssh -L {}:127.0.0.1:{}", port, port)));
      CHECK(query_value(url, "redirect_uri") == fmt::format("http%3A%2F%2F127.0.0.1%3A{}%2Fcallback", port));
      const HttpResult authorize = browse(url);
      REQUIRE(authorize.status == 302);
      const std::string location = authorize.header("location");
      REQUIRE(location.starts_with(fmt::format("http://127.0.0.1:{}/callback?", port)));
      const HttpResult callback = browse(location);
      CHECK(callback.status == 200);
      CHECK(contains(callback.body, "You can close this window"));

      const auto exit = ctl->wait_exit(30s);
      const std::string out = ctl->output();
      INFO(out);
      REQUIRE(exit == 0);
      CHECK(contains(out, fmt::format("Connected acme to {} organisation ", world.kit().display_name())));
      CHECK(contains(out, "a sync is queued"));
      wait_for_auth(world, "ok");
      world.wait_settled();
      CHECK(world.binding_of_contact(world.remote_id("c-1")) == std::optional<std::string>("11"));
      world.sync();

      // The tokens live in the state database; no secret is in the journal or capsyncctl's output.
      const auto stored =
          world.query_rows("SELECT access_token, refresh_token, state FROM tokens WHERE connection = 'acme'");
      REQUIRE(stored.size() == 1);
      CHECK(stored[0][2] == "ok");
      const std::string code = query_value(location, "code");
      const std::string log = world.daemon_log();
      for (const std::string& secret : {stored[0][0], stored[0][1], code, std::string(kXeroClientSecret)}) {
        REQUIRE(secret.size() > 8);
        CHECK_FALSE(contains(log, secret));
        CHECK_FALSE(contains(out, secret));
      }
    }
  }
}

TEST_CASE("connect: a redirect with a wrong state is refused and nothing is stored") {
  const int port = free_loopback_port();
  SyncWorld world(acme_seed(), unauthorized(fmt::format("http://127.0.0.1:{}/callback", port)));
  world.start_daemon(false);
  wait_for_auth(world, "needs_authorization");
  world.clear_requests();

  auto ctl = start_connect(world, {"acme"}, "connect.out");
  const HttpResult authorize = browse(printed_url(*ctl));
  REQUIRE(authorize.status == 302);
  std::string forged = authorize.header("location");
  forged.replace(forged.find("state=") + 6, query_value(forged, "state").size(), "forged-state");
  CHECK(browse(forged).status == 400);

  const auto exit = ctl->wait_exit(30s);
  INFO(ctl->output());
  CHECK(exit == 1);
  CHECK(contains(ctl->output(), "wrong state"));
  CHECK(world.query_text("SELECT count(*) FROM tokens WHERE connection = 'acme' AND state = 'ok'") == "0");
  for (const auto& r : world.requests()) CHECK_FALSE(contains(r.path, "/connect/token"));
  const auto status = world.ctl({"status"});
  INFO(status.output);
  CHECK(contains(status.output, "(run `capsyncctl connect acme`)"));
}

TEST_CASE("connect --manual: the URL the browser was sent to, pasted on stdin, completes the authorization") {
  SyncWorld world(acme_seed(), unauthorized("https://capsync.example.com/callback"));
  world.start_daemon(false);
  wait_for_auth(world, "needs_authorization");

  // capsyncd cannot listen for an https redirect: the refusal names --manual.
  const auto listening = world.ctl({"connect", "acme"});
  CHECK(listening.exit_code == 1);
  CHECK(contains(listening.output, "capsyncctl connect --manual acme"));

  // capsyncctl's stdin is a FIFO the test writes the redirected URL to once it saw the URL.
  const auto fifo = world.dir() / "stdin.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const int writer = ::open(fifo.c_str(), O_RDWR);  // read-write: opening does not wait for a reader
  REQUIRE(writer >= 0);
  ChildProcess ctl("/bin/sh",
                   {"-c", fmt::format("exec '{}' --socket '{}' connect --manual acme < '{}'", CAPSYNCCTL_PATH,
                                      (world.dir() / "admin.sock").string(), fifo.string())},
                   {}, world.dir() / "manual.out");
  const std::string url = printed_url(ctl);
  CHECK(ctl.wait_for_output("paste it here", 10s));
  const HttpResult authorize = browse(url);
  REQUIRE(authorize.status == 302);
  const std::string location = authorize.header("location");
  REQUIRE(location.starts_with("https://capsync.example.com/callback?"));
  const std::string line = location + "\n";
  REQUIRE(::write(writer, line.data(), line.size()) == static_cast<ssize_t>(line.size()));

  const auto exit = ctl.wait_exit(30s);
  ::close(writer);
  const std::string out = ctl.output();
  INFO(out);
  REQUIRE(exit == 0);
  CHECK(contains(out, "Connected acme to Xero organisation "));
  CHECK_FALSE(contains(out, query_value(location, "code")));
  wait_for_auth(world, "ok");
  world.wait_settled();
  CHECK(world.binding_of_party("11") == std::optional<std::string>("c-1"));
}

// Connect checks the new tokens with one call to the provider. A 401 there (a token that expired
// early, as Sage's 5-minute ones may) costs one refresh and one retry, as every other call does.
TEST_CASE("connect: a 401 on the token connect was just given is refreshed and retried once") {
  WorldOptions options;
  options.refresh_token = false;  // no tenant read yet: connect's check asks Sage
  SyncWorld world(Seed("sage"), options);
  world.start_daemon(false);
  wait_for_auth(world, "needs_authorization");
  const std::string api = world.kit().api_prefix();
  const std::size_t mark = world.requests().size();
  REQUIRE(world.admin("POST", "/_admin/faults", fmt::format(R"({{"prefix":"{}","kind":"expired_token"}})", api)).status == 200);
  world.reconnect();
  CHECK(world.auth_state() == "ok");

  const auto all = world.requests();
  std::vector<std::string> answers;  // Sage's answers, in order, until the check succeeded
  for (std::size_t i = mark; i < all.size() && (answers.empty() || answers.back() != "api 200"); ++i) {
    const auto& r = all[i];
    if (r.provider != "sage" || (r.method == "GET" && !r.path.starts_with(api))) continue;
    answers.push_back(fmt::format("{} {}", r.path.starts_with(api) ? "api" : "token", r.status));
  }
  INFO(describe(all));
  // The code exchange; the check refused; one refresh; the check again.
  CHECK(answers == std::vector<std::string>{"token 200", "api 401", "token 200", "api 200"});
}

TEST_CASE("connect: a second connect of the same connection is refused, and an unknown one lists the known ones") {
  const int port = free_loopback_port();
  SyncWorld world(acme_seed(), unauthorized(fmt::format("http://127.0.0.1:{}/callback", port)));
  world.start_daemon(false);

  auto first = start_connect(world, {"acme"}, "first.out");
  (void)printed_url(*first);
  const auto second = world.ctl({"connect", "acme"});
  INFO(second.output);
  CHECK(second.exit_code == 1);
  CHECK(contains(second.output, "a connect of acme is already in progress"));
  const auto unknown = world.ctl({"connect", "acme2"});
  CHECK(unknown.exit_code == 1);
  CHECK(contains(unknown.output, "unknown connection \"acme2\" (known: acme)"));

  const auto unknown_json = world.ctl({"--json", "connect", "acme2"});
  CHECK(contains(unknown_json.output, R"j({"ok":false,"error":"unknown connection \"acme2\" (known: acme)"})j"));

  // The first one still completes.
  const HttpResult authorize = browse(printed_url(*first));
  REQUIRE(authorize.status == 302);
  CHECK(browse(authorize.header("location")).status == 200);
  CHECK(first->wait_exit(30s) == 0);

  // A connect left waiting for its browser does not keep capsyncd from stopping cleanly.
  auto waiting = start_connect(world, {"acme"}, "waiting.out");
  (void)printed_url(*waiting);
  world.stop_daemon();
  CHECK(waiting->wait_exit(10s) == 1);
}

namespace {

// capsyncd with one KashFlow connection to a sandbox with the default seed (user "sandbox").
class KashFlowDaemon {
 public:
  explicit KashFlowDaemon(const std::string& password) {
    write_file(dir_ / "capsule-token", "capsule-sandbox-token\n");
    write_file(dir_ / "kashflow-password", password + "\n");
    write_file(dir_ / "kashflow-word", "pineapple\n");
    for (const char* file : {"capsule-token", "kashflow-password", "kashflow-word"})
      ::chmod((dir_ / file).c_str(), 0600);
    const std::string d = dir_.path().string();
    write_file(dir_ / "capsync.yaml",
               fmt::format("state_dir: {0}/state\nadmin_socket: {0}/admin.sock\nshutdown_grace: 5s\n"
                           "connections:\n"
                           "  - name: shop\n"
                           "    capsule:\n"
                           "      base_url: {1}/capsule\n"
                           "      token_file: {0}/capsule-token\n"
                           "    accounting:\n"
                           "      provider: kashflow\n"
                           "      base_url: {1}/kashflow/v2\n"
                           "      username: sandbox\n"
                           "      password_file: {0}/kashflow-password\n"
                           "      memorable_word_file: {0}/kashflow-word\n"
                           "    sync:\n      interval: 2h\n      capsule_poll: 1h\n      full_reconcile: 24h\n",
                           d, sandbox_.base_url()));
    daemon_ = std::make_unique<ChildProcess>(CAPSYNCD_PATH,
                                             std::vector<std::string>{"--config", (dir_ / "capsync.yaml").string()},
                                             std::map<std::string, std::string>{}, dir_ / "daemon.log");
    REQUIRE(wait_until([&] { return ctl({"status"}).exit_code == 0; }, 30s));
  }
  RunResult ctl(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--socket", (dir_ / "admin.sock").string()});
    return run(CAPSYNCCTL_PATH, args, 30s);
  }
  std::string log() const { return read_file(dir_ / "daemon.log"); }
  void write_password(const std::string& password) const {
    write_file(dir_ / "kashflow-password", password + "\n");
    ::chmod((dir_ / "kashflow-password").c_str(), 0600);
  }
  void reload() const { daemon_->signal(SIGHUP); }
  // The sandbox's count of failed logins of user "sandbox" (it locks the user at 3).
  int failed_logins() const {
    capsync::sandbox::test::HttpCall get;
    get.target = "/_admin/state";
    auto state = http_call(sandbox_.base_url(), get);
    REQUIRE(state.status == 200);
    rapidjson::Document doc;
    doc.Parse(state.body.c_str());
    for (const auto& u : doc["kashflow"]["users"].GetArray())
      if (std::string_view(u["username"].GetString()) == "sandbox") return u["failedLogins"].GetInt();
    FAIL("no KashFlow user sandbox in the sandbox state");
    return -1;
  }
  // The outcome of the connection's last sync: "ok", "failed" or "none".
  std::string last_sync() const {
    rapidjson::Document doc;
    const auto status = ctl({"--json", "status"});
    doc.Parse(status.output.c_str());
    if (doc.HasParseError() || !doc.HasMember("connections")) return "none";
    const auto& last = doc["connections"][0]["last_sync"];
    if (!last.IsObject()) return "none";
    return last["ok"].GetBool() ? "ok" : "failed";
  }

 private:
  TempDir dir_;
  capsync::test::SandboxProcess sandbox_;
  std::unique_ptr<ChildProcess> daemon_;
};

}  // namespace

TEST_CASE("connect: KashFlow has no OAuth, so connect checks the configured login and reports it") {
  SECTION("accepted") {
    KashFlowDaemon daemon("sandbox-password");
    const auto connected = daemon.ctl({"connect", "shop"});
    INFO(connected.output);
    CHECK(connected.exit_code == 0);
    CHECK(contains(connected.output, "Connected shop to KashFlow organisation "));
    CHECK_FALSE(contains(connected.output, "http"));
    const auto json = daemon.ctl({"--json", "connect", "shop"});
    CHECK(json.exit_code == 0);
    CHECK(contains(json.output, R"({"ok":true,"provider":"KashFlow","organisation":"KashFlow user sandbox")"));
    CHECK(contains(daemon.ctl({"--json", "status"}).output, R"("auth":"ok")"));
  }
  SECTION("rejected: said once, without logging in again") {
    KashFlowDaemon daemon("not-the-password");
    const auto refused = daemon.ctl({"connect", "shop"});
    INFO(refused.output);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.output, "credentials rejected: "));
    CHECK(contains(refused.output, "capsync does not retry a rejected login, to avoid locking the KashFlow user"));
    CHECK_FALSE(contains(refused.output, "not-the-password"));
    CHECK_FALSE(contains(daemon.log(), "not-the-password"));
    CHECK_FALSE(contains(daemon.log(), "pineapple"));
    CHECK(contains(daemon.ctl({"--json", "status"}).output, R"("auth":"credentials_rejected")"));
    CHECK(contains(daemon.ctl({"status"}).output, "(run `capsyncctl connect shop`)"));
  }
}

TEST_CASE("connect: a KashFlow password fixed in its file is read by connect, logged in once, and the connection syncs") {
  KashFlowDaemon daemon("not-the-password");
  // The first sync is refused once and not retried.
  REQUIRE(wait_until([&] { return daemon.last_sync() == "failed"; }, 30s));
  CHECK(daemon.failed_logins() == 1);
  daemon.write_password("sandbox-password");
  const auto connected = daemon.ctl({"connect", "shop"});
  INFO(connected.output);
  CHECK(connected.exit_code == 0);
  CHECK(contains(connected.output, "Connected shop to KashFlow organisation "));
  CHECK_FALSE(contains(connected.output, "sandbox-password"));
  CHECK(daemon.failed_logins() == 0);  // the login worked: the sandbox forgets the earlier failure
  CHECK(contains(daemon.ctl({"--json", "status"}).output, R"("auth":"ok")"));
  CHECK(wait_until([&] { return daemon.last_sync() == "ok"; }, 30s));
  CHECK_FALSE(contains(daemon.log(), "sandbox-password"));
  CHECK_FALSE(contains(daemon.log(), "pineapple"));
}

TEST_CASE("connect: a reload clears a refused KashFlow login only when the password file changed") {
  KashFlowDaemon daemon("not-the-password");
  REQUIRE(wait_until([&] { return daemon.last_sync() == "failed"; }, 30s));
  CHECK(daemon.failed_logins() == 1);
  // Same file: the refused login stays refused and is not sent again.
  daemon.reload();
  REQUIRE(wait_until([&] { return contains(daemon.log(), "Reloaded configuration"); }, 10s));
  const auto refused = daemon.ctl({"sync-now", "--wait", "shop"});
  INFO(refused.output);
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.output, "wrong username or password"));
  CHECK(daemon.failed_logins() == 1);
  // The fixed file: the next sync logs in once with it.
  daemon.write_password("sandbox-password");
  daemon.reload();
  REQUIRE(wait_until([&] { return contains(daemon.log(), "The KashFlow login of connection shop changed"); }, 10s));
  const auto synced = daemon.ctl({"sync-now", "--wait", "shop"});
  INFO(synced.output);
  CHECK(synced.exit_code == 0);
  CHECK(daemon.failed_logins() == 0);  // the login worked: the sandbox forgets the earlier failure
  CHECK(daemon.last_sync() == "ok");
  CHECK_FALSE(contains(daemon.log(), "sandbox-password"));
}

TEST_CASE("connect: a refusal recorded by connect is cleared by a reload with a fixed password file") {
  KashFlowDaemon daemon("not-the-password");
  REQUIRE(daemon.ctl({"connect", "shop"}).exit_code == 1);
  CHECK(contains(daemon.ctl({"--json", "status"}).output, R"("auth":"credentials_rejected")"));
  CHECK(daemon.ctl({"sync-now", "--wait", "shop"}).exit_code == 1);  // refused before any login
  const int failed = daemon.failed_logins();
  daemon.write_password("sandbox-password");
  daemon.reload();
  REQUIRE(wait_until([&] { return contains(daemon.log(), "The KashFlow login of connection shop changed"); }, 10s));
  CHECK(contains(daemon.ctl({"--json", "status"}).output, R"("auth":"ok")"));
  const auto synced = daemon.ctl({"sync-now", "--wait", "shop"});
  INFO(synced.output);
  CHECK(synced.exit_code == 0);
  CHECK(failed <= 2);  // never near the sandbox's lock at 3
  CHECK(daemon.failed_logins() == 0);
}

TEST_CASE("R26 connect --capsule authorizes Capsule through the registered app, and Capsule is then reached with "
          "its OAuth token") {
  const int port = free_loopback_port();
  WorldOptions options;
  options.capsule_oauth_redirect = fmt::format("http://127.0.0.1:{}/callback", port);
  SyncWorld world(acme_seed(), options);
  world.start_daemon();  // with the personal token: nothing changes before the connect

  auto ctl = start_connect(world, {"--capsule", "acme"}, "connect.out");
  const std::string url = printed_url(*ctl);
  CHECK(contains(url, "/capsule/oauth/authorise?"));
  CHECK(query_value(url, "client_id") == kCapsuleClientId);
  CHECK(query_value(url, "scope") == "read%20write");
  const HttpResult authorize = browse(url);
  REQUIRE(authorize.status == 302);
  const std::string location = authorize.header("location");
  REQUIRE(location.starts_with(fmt::format("http://127.0.0.1:{}/callback?", port)));
  CHECK(browse(location).status == 200);
  const auto exit = ctl->wait_exit(30s);
  const std::string out = ctl->output();
  INFO(out);
  REQUIRE(exit == 0);
  CHECK(contains(out, "Connected acme to its Capsule account"));

  // Capsule's tokens are stored apart from the accounting side's.
  const auto stored =
      world.query_rows("SELECT access_token, refresh_token, state FROM tokens WHERE connection = 'acme:capsule'");
  REQUIRE(stored.size() == 1);
  CHECK(stored[0][2] == "ok");
  const auto accounting = world.query_rows("SELECT refresh_token FROM tokens WHERE connection = 'acme'");
  REQUIRE(accounting.size() == 1);
  CHECK(accounting[0][0] != stored[0][1]);

  // The personal token is revoked now: a sync that still reads Capsule uses the OAuth token.
  REQUIRE(world
              .admin("POST", "/_admin/faults",
                     fmt::format(R"({{"prefix":"/capsule/api/v2/","kind":"status","status":401,"fraction":1.0,)"
                                 R"("bearer":"{}"}})",
                                 kCapsuleToken))
              .status == 200);
  world.clear_requests();
  world.sync();
  const auto requests = world.requests();
  const bool read_capsule = std::any_of(requests.begin(), requests.end(), [](const LoggedRequest& r) {
    return r.path.starts_with("/capsule/api/v2/parties") && r.status == 200;
  });
  INFO(describe(requests));
  CHECK(read_capsule);
  CHECK(std::none_of(requests.begin(), requests.end(), [](const LoggedRequest& r) { return r.status == 401; }));
  CHECK(std::string(world.status()["connections"][0]["capsule_auth"].GetString()) == "ok");

  const std::string log = world.daemon_log();
  for (const std::string& secret : {stored[0][0], stored[0][1], std::string(kCapsuleClientSecret)}) {
    CHECK_FALSE(contains(log, secret));
    CHECK_FALSE(contains(out, secret));
  }
}
