// capsyncd's life under a service manager, end to end: start-up and config errors, READY,
// reload on SIGHUP, stop on SIGTERM, crash recovery, watchdog, and who may use the admin
// socket. Each test starts capsyncd-test (CAPSYNCD_TEST_PATH), the daemon with test-only job
// handlers (CAPSYNC_TEST_HANDLERS, see test/scenario/test_handlers.hpp), or the real capsyncd.

#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "core/version/version.hpp"
#include "daemon/ctl/admin_client.hpp"
#include "test/scenario/daemon_process.hpp"
#include "test/scenario/notify_socket.hpp"

using namespace capsync;
using namespace capsync::scenario;

namespace {

const std::string capsyncd = CAPSYNCD_PATH;
const std::string capsyncd_test = CAPSYNCD_TEST_PATH;
const std::string capsyncctl = CAPSYNCCTL_PATH;

std::string connection_yaml(const TempDir& dir, const std::string& name, const std::string& provider = "xero") {
  return fmt::format(R"(  - name: {0}
    capsule:
      token_file: {1}/capsule-token
    accounting:
      provider: {2}
      client_id: client-{0}
      client_secret_file: {1}/client-secret
)",
                     name, dir.path().string(), provider);
}

// A daemon under test: its directory, config, notify socket and process.
class Scenario {
 public:
  Scenario() : notify_(dir_ / "notify.sock") {
    for (const char* secret : {"capsule-token", "client-secret"}) {
      write_file(dir_ / secret, "not-a-real-secret\n");
      chmod((dir_ / secret).c_str(), 0600);
    }
    write_config({"acme"});
  }

  // Rewrites the config with these connections; `extra` is appended at top level.
  void write_config(const std::vector<std::string>& connections, const std::string& extra = "") {
    std::string yaml = fmt::format(
        "state_dir: {0}/state\nlog_level: debug\nadmin_socket: {0}/admin.sock\nshutdown_grace: {1}\n{2}"
        "connections:\n",
        dir_.path().string(), grace_, extra);
    for (const auto& c : connections) yaml += connection_yaml(dir_, c);
    write_file(config(), yaml);
  }
  void write_raw_config(const std::string& yaml) { write_file(config(), yaml); }
  void set_grace(std::string grace) { grace_ = std::move(grace); }

  std::filesystem::path config() const { return dir_ / "capsync.yaml"; }
  std::string socket() const { return (dir_ / "admin.sock").string(); }
  const TempDir& dir() const { return dir_; }
  NotifySocket& notify() { return notify_; }

  // Starts capsyncd-test, or `binary`.
  ChildProcess& start(std::map<std::string, std::string> env = {}, const std::string& binary = capsyncd_test) {
    env.emplace("NOTIFY_SOCKET", notify_.path().string());
    env.emplace("CAPSYNC_TEST_HANDLERS", "pull=succeed,capsule_poll=succeed,full_reconcile=succeed");
    env.emplace("CAPSYNC_TEST_DIR", dir_.path().string());
    process_.reset();
    process_ = std::make_unique<ChildProcess>(binary, std::vector<std::string>{"--config", config().string()}, env,
                                              dir_ / "daemon.log");
    return *process_;
  }
  ChildProcess& process() { return *process_; }

  // Starts the daemon and waits for READY=1.
  ChildProcess& start_ready(std::map<std::string, std::string> env = {}) {
    const std::size_t from = notify_.messages().size();
    auto& p = start(std::move(env));
    INFO(p.output());
    REQUIRE(notify_.wait_for("READY=1", 10s, from) >= 0);
    return p;
  }

  rapidjson::Document status() {
    auto answer = daemon::admin_call(socket(), R"({"cmd":"status"})");
    REQUIRE(answer.ok());
    rapidjson::Document doc;
    doc.Parse(answer->c_str());
    REQUIRE(doc.IsObject());
    REQUIRE(doc["ok"].GetBool());
    return doc;
  }

  std::vector<std::string> status_connections() {
    auto doc = status();
    std::vector<std::string> names;
    for (const auto& c : doc["connections"].GetArray()) names.emplace_back(c["name"].GetString());
    return names;
  }

 private:
  TempDir dir_;
  NotifySocket notify_;
  std::string grace_ = "5s";
  std::unique_ptr<ChildProcess> process_;
};

// A client of the admin socket that connects and then never sends anything.
class IdleAdminClient final {
 public:
  explicit IdleAdminClient(const std::string& path) : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0)
      throw std::runtime_error("cannot connect to the admin socket");
  }
  IdleAdminClient(const IdleAdminClient&) = delete;
  IdleAdminClient& operator=(const IdleAdminClient&) = delete;
  ~IdleAdminClient() { ::close(fd_); }

 private:
  int fd_;
};

// Lowers this process's soft descriptor limit (inherited by a daemon started meanwhile).
class LowFdLimit final {
 public:
  explicit LowFdLimit(rlim_t soft) {
    getrlimit(RLIMIT_NOFILE, &old_);
    rlimit low = old_;
    low.rlim_cur = soft;
    if (setrlimit(RLIMIT_NOFILE, &low) != 0) throw std::runtime_error("cannot lower RLIMIT_NOFILE");
  }
  LowFdLimit(const LowFdLimit&) = delete;
  LowFdLimit& operator=(const LowFdLimit&) = delete;
  ~LowFdLimit() { setrlimit(RLIMIT_NOFILE, &old_); }

 private:
  rlimit old_{};
};

std::size_t count_lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

TEST_CASE("an invalid config is refused at start with file:line:col and exit status EX_CONFIG (78)") {
  Scenario s;
  s.write_raw_config("state_dir: relative/path\nconnections:\n  - name: acme\n    accounting:\n      provider: xeroo\n");
  auto& p = s.start();
  const auto code = p.wait_exit(10s);
  REQUIRE(code.has_value());
  CHECK(*code == 78);
  const std::string out = p.output();
  INFO(out);
  CHECK_THAT(out, Catch::Contains(s.config().string() + ":5:17: connections[0].accounting.provider"));
  CHECK_THAT(out, Catch::Contains(s.config().string() + ":1:12: state_dir"));
  CHECK(s.notify().messages().empty());  // never READY
}

TEST_CASE("the units do not restart capsyncd after it refused its config (exit status 78)") {
  for (const char* unit : {"capsync.service", "capsync@.service"}) {
    std::ifstream in(std::string(CAPSYNC_SOURCE_DIR "/systemd/") + unit);
    REQUIRE(in.good());
    bool prevented = false;
    for (std::string line; std::getline(in, line);) prevented = prevented || line == "RestartPreventExitStatus=78";
    INFO(unit);
    CHECK(prevented);
  }
}

TEST_CASE("capsyncd --check-config prints the one-line summary and exits 0 for a valid file") {
  Scenario s;
  const auto r = run(capsyncd, {"--check-config", s.config().string()});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("1 connection (acme: xero)"));
}

TEST_CASE("capsyncd --check-config prints every diagnostic at once and exits 1 for a broken file") {
  Scenario s;
  s.write_raw_config("log_level: loud\nshutdown_grace: soon\nconnections: []\n");
  const auto r = run(capsyncd, {"--check-config", s.config().string()});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains(":1:12: log_level"));
  CHECK_THAT(r.output, Catch::Contains(":2:17: shutdown_grace"));
}

TEST_CASE("capsyncd and capsyncctl --version print the project version and the git revision") {
  const std::string expected = std::string(version::full) + "\n";
  CHECK_THAT(std::string(version::full), Catch::StartsWith(std::string(version::project)));
  const auto d = run(capsyncd, {"--version"});
  CHECK(d.exit_code == 0);
  CHECK(d.output == "capsyncd " + expected);
  const auto c = run(capsyncctl, {"--version"});
  CHECK(c.exit_code == 0);
  CHECK(c.output == "capsyncctl " + expected);
}

TEST_CASE("capsyncd exits 2 on an unknown option, like capsyncctl") {
  const auto d = run(capsyncd, {"--no-such-option"});
  CHECK(d.exit_code == 2);
  CHECK_THAT(d.output, Catch::Contains("--no-such-option"));
}

TEST_CASE("READY=1 with a STATUS line arrives after start-up and the admin socket answers") {
  Scenario s;
  auto& p = s.start_ready();
  INFO(p.output());
  const int ready = s.notify().wait_for("READY=1", 0s);
  CHECK_THAT(s.notify().messages()[static_cast<std::size_t>(ready)], Catch::Contains("STATUS=1 connection, queue:"));
  CHECK(s.status_connections() == std::vector<std::string>{"acme"});
  struct stat st{};
  REQUIRE(stat(s.socket().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0660);
  // The initial sync runs at start-up and is reported per connection.
  REQUIRE(wait_until([&] { return s.status()["connections"][0]["last_sync"].IsObject(); }));
  // ... and the service manager's STATUS= line follows it.
  CHECK(s.notify().wait_for("last sync acme", 5s) >= 0);
}

TEST_CASE("SIGHUP with a broken config keeps running on the previous one") {
  Scenario s;
  auto& p = s.start_ready();
  s.write_raw_config("connections:\n  - name: acme\n    bogus_key: 1\n");
  const std::size_t from = s.notify().messages().size();
  p.signal(SIGHUP);
  const int reloading = s.notify().wait_for("RELOADING=1", 10s, from);
  REQUIRE(reloading >= 0);
  CHECK_THAT(s.notify().messages()[static_cast<std::size_t>(reloading)], Catch::Contains("MONOTONIC_USEC="));
  REQUIRE(s.notify().wait_for("READY=1", 10s, static_cast<std::size_t>(reloading) + 1) >= 0);
  INFO(p.output());
  // Every diagnostic is in the one error line, with file:line:col and key path.
  CHECK(p.wait_for_output("Failed to reload configuration, keeping the previous one: " + s.config().string() + ":2:5"));
  CHECK_THAT(p.output(), Catch::Contains("; " + s.config().string() + ":3:5: connections[0].bogus_key"));
  CHECK(p.running());
  CHECK(s.status_connections() == std::vector<std::string>{"acme"});
}

TEST_CASE("SIGHUP with a valid config adding a connection shows it in status") {
  Scenario s;
  auto& p = s.start_ready();
  s.write_config({"acme", "beta"});
  const std::size_t from = s.notify().messages().size();
  p.signal(SIGHUP);
  REQUIRE(s.notify().wait_for("READY=1", 10s, from) >= 0);
  INFO(p.output());
  CHECK(s.status_connections() == std::vector<std::string>{"acme", "beta"});
  CHECK(p.wait_for_output("Reloaded configuration: connection beta added (xero)"));
  // The new connection gets its initial sync without a restart.
  REQUIRE(wait_until([&] { return s.status()["connections"][1]["last_sync"].IsObject(); }));

  // And removing one takes effect the same way.
  s.write_config({"beta"});
  const std::size_t again = s.notify().messages().size();
  p.signal(SIGHUP);
  REQUIRE(s.notify().wait_for("READY=1", 10s, again) >= 0);
  CHECK(s.status_connections() == std::vector<std::string>{"beta"});
  CHECK(p.wait_for_output("Stopped the sync timers of connection acme"));
}

TEST_CASE("SIGHUP with a secret file that is a FIFO is refused and the admin socket keeps answering") {
  Scenario s;
  auto& p = s.start_ready();
  const auto fifo = s.dir() / "fifo-token";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string yaml = read_file(s.config());
  const std::string token = "token_file: " + (s.dir() / "capsule-token").string();
  yaml.replace(yaml.find(token), token.size(), "token_file: " + fifo.string());
  write_file(s.config(), yaml);
  const std::size_t from = s.notify().messages().size();
  p.signal(SIGHUP);
  REQUIRE(s.notify().wait_for("READY=1", 10s, from) >= 0);
  INFO(p.output());
  CHECK(p.wait_for_output(fmt::format("secret file \"{}\" is a FIFO, not a regular file", fifo.string())));
  CHECK(s.status_connections() == std::vector<std::string>{"acme"});
}

TEST_CASE("SIGHUP with changed provider URLs keeps the ones in use and says a restart is needed") {
  Scenario s;
  auto& p = s.start_ready();
  const auto reload = [&] {
    const std::size_t from = s.notify().messages().size();
    p.signal(SIGHUP);
    REQUIRE(s.notify().wait_for("READY=1", 10s, from) >= 0);
  };
  // The connectors are built from the first URLs: a reload must not claim the new ones are used.
  std::string moved = read_file(s.config());
  const std::string urls = "      base_url: https://api.example.com\n      token_url: https://id.example.com/token\n";
  moved.insert(moved.find("      client_id:"), urls);
  write_file(s.config(), moved);
  reload();
  INFO(p.output());
  CHECK(p.wait_for_output("Reloaded configuration: connection acme: accounting.base_url https://api.xero.com -> "
                          "https://api.example.com needs a restart; still using https://api.xero.com"));
  CHECK(p.wait_for_output("Reloaded configuration: connection acme: accounting.token_url "
                          "https://identity.xero.com/connect/token -> https://id.example.com/token needs a restart; "
                          "still using https://identity.xero.com/connect/token"));
  CHECK_THAT(p.output(), !Catch::Contains("nothing changed"));
  // The old URLs are still the ones in force: going back to them changes nothing.
  s.write_config({"acme"});
  reload();
  CHECK(p.wait_for_output("Reloaded configuration, nothing changed"));
  CHECK(p.running());
}

TEST_CASE("SIGTERM exits 0 within the grace period and an unfinished job runs again at the next start") {
  Scenario s;
  s.set_grace("1s");
  s.write_config({"acme"});
  const std::map<std::string, std::string> env{{"CAPSYNC_TEST_HANDLERS", "pull=sleep-until-file"}};
  auto& p = s.start_ready(env);
  REQUIRE(wait_until([&] { return count_lines(read_file(s.dir() / "started")) == 1; }));

  const auto stop_sent = std::chrono::steady_clock::now();
  p.signal(SIGTERM);
  REQUIRE(s.notify().wait_for("STOPPING=1", 10s) >= 0);
  const auto code = p.wait_exit(10s);
  INFO(p.output());
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  CHECK(std::chrono::steady_clock::now() - stop_sent < 5s);  // 1 s grace, not the 10 s deadline
  CHECK(p.wait_for_output("Returned 1 unfinished job(s) to the queue"));

  // The job was given back without counting an attempt, so it runs again, still attempt 1.
  s.start_ready(env);
  REQUIRE(wait_until([&] { return count_lines(read_file(s.dir() / "started")) == 2; }));
  const std::string started = read_file(s.dir() / "started");
  INFO(started);
  CHECK(started.substr(started.find('\n') + 1).ends_with(" 1\n"));
  write_file(s.dir() / "release", "");
  REQUIRE(wait_until([&] { return s.status()["connections"][0]["last_sync"].IsObject(); }));
}

TEST_CASE("a job left running by SIGKILL is picked up again after a restart") {
  Scenario s;
  // The Capsule poll succeeds: a failing one would rightly be the last sync status reports.
  const std::map<std::string, std::string> env{{"CAPSYNC_TEST_HANDLERS", "pull=sleep-until-file,capsule_poll=succeed"}};
  auto& p = s.start_ready(env);
  REQUIRE(wait_until([&] { return count_lines(read_file(s.dir() / "started")) == 1; }));
  p.signal(SIGKILL);
  REQUIRE(p.wait_exit(10s) == 128 + SIGKILL);

  // A stale admin socket is left behind; the next start removes it.
  auto& again = s.start_ready(env);
  INFO(again.output());
  CHECK(again.wait_for_output("Returned 1 job(s) left by an earlier run to the queue"));
  REQUIRE(wait_until([&] { return count_lines(read_file(s.dir() / "started")) == 2; }));
  const std::string started = read_file(s.dir() / "started");
  const std::string first_id = started.substr(0, started.find(' '));
  const std::string second = started.substr(started.find('\n') + 1);
  CHECK(second.starts_with(first_id + " "));  // the same job, not a new one
  write_file(s.dir() / "release", "");
  REQUIRE(wait_until([&] {
    auto doc = s.status();
    return doc["queue"]["running"].GetInt64() == 0 && doc["connections"][0]["last_sync"].IsObject();
  }));
  CHECK(s.status()["connections"][0]["last_sync"]["ok"].GetBool());
}

TEST_CASE("the production capsyncd contains no test job handlers: CAPSYNC_TEST_HANDLERS changes nothing") {
  Scenario s;
  // Disabled, so the real engine runs no job against a provider.
  write_file(s.config(), read_file(s.config()) + "    enabled: false\n");
  const std::size_t from = s.notify().messages().size();
  auto& p = s.start({{"CAPSYNC_TEST_HANDLERS", "pull=no-such-behaviour"}}, capsyncd);
  INFO(p.output());
  REQUIRE(s.notify().wait_for("READY=1", 10s, from) >= 0);
  CHECK_THAT(p.output(), !Catch::Contains("TEST-ONLY"));
  p.signal(SIGTERM);
  REQUIRE(p.wait_exit(10s) == 0);
}

TEST_CASE("a second daemon on the same state directory refuses to start") {
  Scenario s;
  s.start_ready();
  ChildProcess second(capsyncd, {"--config", s.config().string()}, {}, s.dir() / "second.log");
  const auto code = second.wait_exit(10s);
  INFO(second.output());
  REQUIRE(code.has_value());
  CHECK(*code == 1);
  CHECK_THAT(second.output(), Catch::Contains("another capsyncd is already running"));
  CHECK(s.process().running());
}

TEST_CASE("WATCHDOG=1 is sent when the service manager asks for a watchdog") {
  Scenario s;
  s.start_ready({{"WATCHDOG_USEC", "200000"}});
  CHECK(s.notify().wait_for("WATCHDOG=1", 5s) >= 0);
}

TEST_CASE("sync-now enqueues a pull of the named connection and refuses unknown ones") {
  Scenario s;
  s.start_ready();
  const auto ok = run(capsyncctl, {"--socket", s.socket(), "sync-now", "acme"});
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.output, Catch::Contains("Enqueued sync of acme"));
  const auto bad = run(capsyncctl, {"--socket", s.socket(), "sync-now", "nope"});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.output, Catch::Contains("unknown connection \"nope\""));
}

TEST_CASE("capsyncctl status --json carries the daemon's version") {
  Scenario s;
  s.start_ready();
  const auto r = run(capsyncctl, {"--socket", s.socket(), "--json", "status"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  rapidjson::Document doc;
  doc.Parse(r.output.c_str());
  REQUIRE(doc.IsObject());
  REQUIRE(doc.HasMember("version"));
  CHECK(std::string(doc["version"].GetString()) == std::string(version::full));
}

TEST_CASE("capsyncctl says clearly when the daemon is not running") {
  TempDir dir;
  const auto r = run(capsyncctl, {"--socket", (dir / "admin.sock").string(), "status"});
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.output, Catch::Contains("capsyncd is not running"));
}

TEST_CASE("the admin socket refuses a peer that is neither root, the daemon's user nor in its group") {
  if (geteuid() != 0) {
    WARN("needs root to connect as another user; skipped");
    return;
  }
  Scenario s;
  s.start_ready();
  // Loosen the file modes on purpose: the peer-credential check must still refuse.
  chmod(s.dir().path().c_str(), 0755);
  chmod(s.socket().c_str(), 0666);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(10);
    auto answer = daemon::admin_call(s.socket(), R"({"cmd":"status"})", 5s);
    if (!answer) {
      fmt::print(stderr, "admin_call as uid 65534: {}\n", answer.error().message());
      _exit(11);
    }
    _exit(answer->find("permission denied") != std::string::npos && answer->find("\"ok\":false") != std::string::npos
              ? 0
              : 12);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(s.process().wait_for_output("Refused admin socket peer uid=65534"));
  // Root is still served.
  CHECK(s.status_connections() == std::vector<std::string>{"acme"});
}

TEST_CASE("idle admin connections beyond the descriptor limit leave status answered and the journal quiet") {
  Scenario s;
  {
    LowFdLimit low(64);  // the daemon's limit; this process gets its own back at once
    s.start_ready();
  }
  std::vector<std::unique_ptr<IdleAdminClient>> idle;
  for (int i = 0; i < 200; ++i) idle.push_back(std::make_unique<IdleAdminClient>(s.socket()));

  auto answer = daemon::admin_call(s.socket(), R"({"cmd":"status"})", 20s);
  const std::string out = s.process().output();
  INFO(out.substr(0, 4000));
  REQUIRE(answer.ok());
  CHECK_THAT(*answer, Catch::Contains("\"ok\":true"));
  std::size_t emfile_lines = 0;
  for (std::size_t at = out.find("Too many open files"); at != std::string::npos;
       at = out.find("Too many open files", at + 1))
    ++emfile_lines;
  CHECK(emfile_lines <= 2);
  CHECK(s.process().running());
}
