// capsyncd's Prometheus endpoint (metrics_listen) scraped over HTTP after a sync against the
// sandbox: its request counters equal the sandbox's own request log, a 429 shows up as rate
// limited, and the gauges agree with `capsyncctl --json status` and the state database.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "core/version/version.hpp"
#include "test/scenario/daemon_process.hpp"
#include "test/scenario/sync_world.hpp"
#include "test/unit/sandbox/test_client.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;
using capsync::sandbox::test::http_call;
using capsync::sandbox::test::HttpCall;

namespace {

HttpCall call(std::string method, std::string target, std::string body = {}) {
  HttpCall c;
  c.method = std::move(method);
  c.target = std::move(target);
  c.body = std::move(body);
  return c;
}


// A TCP connection to the metrics port that sends `text` and then stays silent and open.
class SilentClient final {
 public:
  SilentClient(int port, const std::string& text) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::write(fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
      throw std::runtime_error("cannot connect to the metrics port");
  }
  SilentClient(const SilentClient&) = delete;
  SilentClient& operator=(const SilentClient&) = delete;
  ~SilentClient() { ::close(fd_); }

 private:
  int fd_;
};

// Every sample line of a scrape, keyed by its series ("name{labels}").
std::map<std::string, double> parse_samples(const std::string& page) {
  std::map<std::string, double> out;
  std::size_t start = 0;
  while (start < page.size()) {
    const std::size_t end = page.find('\n', start);
    const std::string line = page.substr(start, end - start);
    start = end == std::string::npos ? page.size() : end + 1;
    if (line.empty() || line.front() == '#') continue;
    const std::size_t space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

// The capsync_http_requests_total series the sandbox log says the daemon should have counted:
// every request to Capsule and Xero, token refreshes included, a reset as status "error".
std::map<std::string, double> requests_in_log(const std::vector<LoggedRequest>& log) {
  std::map<std::string, double> out;
  for (const auto& r : log) {
    if (r.provider != "capsule" && r.provider != "xero") continue;
    const std::string status = r.status == 0 ? "error" : std::to_string(r.status);
    out[fmt::format(R"(capsync_http_requests_total{{connection="acme",provider="{}",status="{}"}})", r.provider,
                    status)] += 1;
  }
  return out;
}

std::map<std::string, double> with_prefix(const std::map<std::string, double>& samples, std::string_view prefix) {
  std::map<std::string, double> out;
  for (const auto& [series, value] : samples)
    if (series.starts_with(prefix)) out[series] = value;
  return out;
}

// One "series value" line per entry, for comparisons that show what differs.
std::string lines(const std::map<std::string, double>& samples) {
  std::string out;
  for (const auto& [series, value] : samples) out += fmt::format("{} {}\n", series, value);
  return out;
}

double value_of(const std::map<std::string, double>& samples, const std::string& series) {
  auto it = samples.find(series);
  INFO(series);
  REQUIRE(it != samples.end());
  return it->second;
}

// Two Capsule people share the name of one Xero contact: an ambiguous match, one open conflict (R17).
Seed conflict_seed() {
  Seed seed;
  seed.party(person(21, "Sam", "Smith"))
      .party(person(22, "Sam", "Smith"))
      .party(organisation(31, "Fine Ltd"))
      .contact(xero_contact("c-1", "Sam Smith", R"("FirstName":"Sam","LastName":"Smith")"))
      .contact(xero_contact("c-2", "Fine Ltd"))
      .invoice(xero_invoice("c-1", "INV-1", "10.00", 10))
      .invoice(xero_invoice("c-2", "INV-2", "20.00", 10));
  return seed;
}

}  // namespace

TEST_CASE("R17 metrics: request counters equal the sandbox log, a 429 is counted, gauges match status",
          "[scenario][metrics]") {
  const int port = free_loopback_port();
  const std::string base = fmt::format("http://127.0.0.1:{}", port);
  WorldOptions options;
  options.extra_yaml = fmt::format("metrics_listen: 127.0.0.1:{}\n", port);
  SyncWorld world(conflict_seed(), options);
  const double started = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  world.start_daemon();

  auto page = http_call(base, call("GET", "/metrics"));
  REQUIRE(page.status == 200);
  CHECK(page.header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  auto samples = parse_samples(page.body);
  CHECK(lines(with_prefix(samples, "capsync_http_requests_total")) == lines(requests_in_log(world.requests())));
  CHECK(value_of(samples, fmt::format(R"(capsync_build_info{{version="{}",revision="{}"}})", capsync::version::project,
                                      capsync::version::git)) == 1);
  CHECK(value_of(samples, R"(capsync_job_duration_seconds_count{kind="pull",outcome="ok"})") >= 1);
  CHECK(value_of(samples, R"(capsync_job_duration_seconds_bucket{kind="pull",outcome="ok",le="+Inf"})") ==
        value_of(samples, R"(capsync_job_duration_seconds_count{kind="pull",outcome="ok"})"));

  // One Xero contacts page answered 429: the client waits and asks again, and both count.
  auto armed = world.admin("POST", "/_admin/faults",
                           R"({"prefix":"/xero/api.xro/2.0/Contacts","method":"GET","kind":"status","status":429,)"
                           R"("retry_after":1,"count":1})");
  REQUIRE(armed.status == 200);
  world.sync();
  page = http_call(base, call("GET", "/metrics"));
  REQUIRE(page.status == 200);
  samples = parse_samples(page.body);
  const auto log = world.requests();
  const auto expected = requests_in_log(log);
  CHECK(lines(with_prefix(samples, "capsync_http_requests_total")) == lines(expected));
  const std::string xero_429 = R"(capsync_http_requests_total{connection="acme",provider="xero",status="429"})";
  REQUIRE(expected.contains(xero_429));
  CHECK(value_of(samples, R"(capsync_http_rate_limited_total{connection="acme",provider="xero"})") ==
        expected.at(xero_429));

  // Queue gauges as capsyncctl reports them.
  const auto status = world.ctl({"--json", "status"});
  rapidjson::Document doc;
  doc.Parse(status.output.c_str());
  REQUIRE(!doc.HasParseError());
  const auto& queue = doc["connections"][0]["queue"];
  for (const char* state : {"ready", "running", "done", "dead"}) {
    CAPTURE(state);
    CHECK(value_of(samples, fmt::format(R"(capsync_queue_jobs{{connection="acme",state="{}"}})", state)) ==
          static_cast<double>(queue[state].GetInt64()));
  }
  CHECK(queue["done"].GetInt64() >= 2);

  // The last successful sync: after the daemon started, not in the future.
  const double last = value_of(samples, R"(capsync_last_successful_sync_timestamp_seconds{connection="acme"})");
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(last >= started);
  CHECK(last <= now);

  int open_conflicts = 0;
  for (const auto& c : world.conflicts()) open_conflicts += c.open ? 1 : 0;
  CHECK(open_conflicts >= 1);
  CHECK(value_of(samples, R"(capsync_conflicts_open{connection="acme"})") == open_conflicts);

  // Only GET /metrics is served.
  CHECK(http_call(base, call("POST", "/metrics", "x")).status == 405);
  CHECK(http_call(base, call("GET", "/other")).status == 404);

  // Clients that send half a request and go quiet hold up neither the endpoint nor the daemon;
  // one with oversized headers is closed without an answer.
  SilentClient slow1(port, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  SilentClient slow2(port, "");
  CHECK(http_call(base, call("GET", "/metrics")).status == 200);
  CHECK(world.ctl({"status"}).exit_code == 0);
  HttpCall oversized = call("GET", "/metrics");
  oversized.headers["X-Padding"] = std::string(16 * 1024, 'a');
  CHECK(http_call(base, oversized).status == 0);
}

TEST_CASE("metrics_listen on a non-loopback address is refused with its file, line and column", "[scenario][metrics]") {
  TempDir dir;
  const auto path = dir / "capsync.yaml";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs(fmt::format("state_dir: {0}/state\nadmin_socket: {0}/admin.sock\nmetrics_listen: 0.0.0.0:9464\n",
                           dir.path().string())
                   .c_str(),
               f);
    std::fclose(f);
  }
  const auto checked = run(CAPSYNCD_PATH, {"--check-config", path.string()});
  INFO(checked.output);
  CHECK(checked.exit_code == 1);
  CHECK(checked.output.find("capsync.yaml:3:17: metrics_listen: must be a loopback address") != std::string::npos);
  const auto started = run(CAPSYNCD_PATH, {"--config", path.string()});
  CHECK(started.exit_code == 78);  // EX_CONFIG: the units do not restart on it
  CHECK(started.output.find(":3:17: metrics_listen: must be a loopback address") != std::string::npos);
}

TEST_CASE("metrics: a scrape is answered while 48 silent connections are open", "[scenario][metrics]") {
  const int port = free_loopback_port();
  const std::string base = fmt::format("http://127.0.0.1:{}", port);
  WorldOptions options;
  options.extra_yaml = fmt::format("metrics_listen: 127.0.0.1:{}\n", port);
  SyncWorld world(Seed{}, options);
  world.start_daemon();

  // Another local user holds connections open and never sends a request.
  std::vector<std::unique_ptr<SilentClient>> silent;
  for (int i = 0; i < 48; ++i) silent.push_back(std::make_unique<SilentClient>(port, ""));
  for (int scrape = 0; scrape < 3; ++scrape) {
    CAPTURE(scrape);
    const auto page = http_call(base, call("GET", "/metrics"));
    CHECK(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("capsync_build_info"));
  }
  CHECK(world.ctl({"status"}).exit_code == 0);
}

TEST_CASE("Monitoring: a scrape after a sync passes promtool check metrics, has every metric the dashboard and the "
          "alert rules name, and the progress, budget and authorization gauges",
          "[scenario][metrics]") {
  const int port = free_loopback_port();
  const std::string base = fmt::format("http://127.0.0.1:{}", port);
  WorldOptions options;
  options.extra_yaml = fmt::format("metrics_listen: 127.0.0.1:{}\n", port);
  SyncWorld world(conflict_seed(), options);
  world.start_daemon();
  world.sync();

  const auto page = http_call(base, call("GET", "/metrics"));
  REQUIRE(page.status == 200);
  const auto samples = parse_samples(page.body);
  // No sync runs now: the progress series are there, at zero.
  CHECK(value_of(samples, R"(capsync_sync_running{connection="acme"})") == 0);
  CHECK(value_of(samples, R"(capsync_sync_eta_seconds{connection="acme"})") == 0);
  CHECK(value_of(samples, R"(capsync_sync_phase{connection="acme",phase="writing_capsule"})") == 0);
  CHECK(value_of(samples, R"(capsync_authorized{connection="acme",side="accounting"})") == 1);
  CHECK(value_of(samples, R"(capsync_authorized{connection="acme",side="capsule"})") == 1);
  CHECK(value_of(samples, R"(capsync_sync_interval_seconds{connection="acme"})") == 7200);
  // Capsule's hourly budget: what the sync spent is gone from it.
  const double limit = value_of(samples, R"(capsync_rate_limit_limit{connection="acme",provider="capsule",window="hour"})");
  const double left = value_of(samples, R"(capsync_rate_limit_remaining{connection="acme",provider="capsule",window="hour"})");
  CHECK(left < limit);
  CHECK(left >= 0);

  const auto scrape = world.dir() / "scrape.txt";
  {
    std::FILE* f = std::fopen(scrape.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs(page.body.c_str(), f);
    std::fclose(f);
  }
  const auto checked = run("/bin/bash", {std::string(CAPSYNC_SOURCE_DIR) + "/test/monitoring/check_scrape.sh",
                                         scrape.string(), CAPSYNC_SOURCE_DIR},
                           30s);
  INFO(checked.output);
  CHECK(checked.exit_code == 0);
}
