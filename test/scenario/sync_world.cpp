#include "test/scenario/sync_world.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "daemon/ctl/admin_client.hpp"
#include "test/unit/http/sandbox_process.hpp"
#include "test/unit/sandbox/test_client.hpp"

namespace capsync::scenario {

namespace {

const std::string capsyncd_path = CAPSYNCD_PATH;
const std::string capsyncctl_path = CAPSYNCCTL_PATH;
constexpr std::string_view kHarnessRefreshToken = "scenario-harness-refresh-token";

constexpr std::string_view kBaseSeed = R"json({
  "capsule": {
    "tokens": ["capsule-sandbox-token", "capsule-rotated-token"],
    "users": [{"id": 1, "username": "sandbox", "name": "Sandbox Admin"}],
    "teams": [{"id": 1, "name": "Sales"}, {"id": 2, "name": "Accounts"}],
    "clients": [{"client_id": "capsule-client-id", "client_secret": "capsule-client-secret", "redirect_uris": []}],
    "fieldDefinitions": [
      {"id": 94, "type": "text", "name": "Outstanding", "displayOrder": 1},
      {"id": 95, "type": "text", "name": "Overdue", "displayOrder": 2},
      {"id": 96, "type": "date", "name": "Next due date", "displayOrder": 3},
      {"id": 97, "type": "date", "name": "Last invoice date", "displayOrder": 4}, {"id": 98, "type": "text", "name": "Open quotes"}],
    "tags": [],
    "parties": [],
    "entries": []
  }
})json";

rapidjson::Document parse(std::string_view json, const char* what) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) throw std::runtime_error(fmt::format("{} is not JSON: {}", what, json.substr(0, 300)));
  return doc;
}

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string str(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return {};
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                     : std::string();
}

// `json_object` with the members of "{extra}" added; a member given in both takes extra's value.
std::string with_members(const std::string& json_object, std::string_view extra) {
  if (extra.empty()) return json_object;
  auto doc = parse(json_object, "JSON object");
  const auto more = parse("{" + std::string(extra) + "}", "extra members");
  auto& a = doc.GetAllocator();
  for (const auto& m : more.GetObject()) {
    doc.RemoveMember(m.name);
    doc.AddMember(rapidjson::Value(m.name, a), rapidjson::Value(m.value, a), a);
  }
  return to_json(doc);
}

// A read-only connection to the daemon's database for one query.
class ReadOnlyDb {
 public:
  explicit ReadOnlyDb(const std::filesystem::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
      throw std::runtime_error(fmt::format("cannot open {}: {}", path.string(), sqlite3_errmsg(db_)));
    sqlite3_busy_timeout(db_, 5000);
  }
  ~ReadOnlyDb() { sqlite3_close(db_); }
  ReadOnlyDb(const ReadOnlyDb&) = delete;
  ReadOnlyDb& operator=(const ReadOnlyDb&) = delete;

  // Every row as text columns.
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(fmt::format("query failed: {}: {}", sql, sqlite3_errmsg(db_)));
    std::vector<std::vector<std::string>> out;
    int rc = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const auto* text = sqlite3_column_text(st, i);
        row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) throw std::runtime_error(fmt::format("query failed: {}: {}", sql, sqlite3_errmsg(db_)));
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string sql_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// Every line of `text` with `prefix` in front.
std::string indent_lines(const std::string& text, const std::string& prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += prefix + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

std::string tail(const std::string& text, std::size_t lines) {
  std::size_t pos = text.size();
  for (std::size_t n = 0; n <= lines && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos || text.empty() ? text : text.substr(pos + 1);
}

}  // namespace

// --- Seed

Seed::Seed() : Seed("xero") {}

Seed::Seed(std::string_view provider)
    : provider_(provider), kit_(make_kit(provider)), doc_(std::make_shared<rapidjson::Document>(parse(kBaseSeed, "base seed"))) {
  kit_->add_credentials(*doc_, kHarnessRefreshToken);
}

Seed Seed::generated(int seed, int parties, int contacts, int invoices, const std::string& currencies,
                     const std::string& provider, int capsule_accounts) {
  std::vector<std::string> args{"generate",   "--seed",     std::to_string(seed),     "--parties",
                                std::to_string(parties),    "--contacts", std::to_string(contacts), "--invoices",
                                std::to_string(invoices),   "--currencies", currencies};
  if (provider != "xero") args.insert(args.end(), {"--provider", provider});
  if (capsule_accounts > 0) args.insert(args.end(), {"--accounts", std::to_string(capsule_accounts)});
  auto generated = run(test::sandbox_path(), args, 60s);
  if (generated.exit_code != 0) throw std::runtime_error("capsync-sandbox generate failed: " + generated.output);
  Seed s(provider);
  auto doc = parse(generated.output, "generated seed");
  auto& a = doc.GetAllocator();
  // The generator writes the credentials of seeds/empty.json; the harness's own token joins
  // them where the provider has refresh tokens (KashFlow's login needs none).
  auto& section = doc[provider.c_str()];
  if (section.HasMember("refreshTokens")) {
    rapidjson::Value token(rapidjson::kObjectType);
    token.AddMember("token", rapidjson::Value(kHarnessRefreshToken.data(), a), a);
    token.AddMember("client_id", rapidjson::Value(kXeroClientId.data(), a), a);
    section["refreshTokens"].PushBack(token, a);
  }
  s.doc_ = std::make_shared<rapidjson::Document>(std::move(doc));
  return s;
}

void Seed::append(const char* provider, const char* section, std::string_view item_json) {
  auto item = parse(item_json, section);
  auto& a = doc_->GetAllocator();
  auto& p = (*doc_)[provider];
  if (!p.HasMember(section)) p.AddMember(rapidjson::Value(section, a), rapidjson::Value(rapidjson::kArrayType), a);
  p[section].PushBack(rapidjson::Value(item, a), a);
}

Seed& Seed::party(std::string_view json) { return append("capsule", "parties", json), *this; }
Seed& Seed::entry(std::string_view json) { return append("capsule", "entries", json), *this; }
Seed& Seed::tag(std::string_view json) { return append("capsule", "tags", json), *this; }
Seed& Seed::contact(std::string_view json) { return append("xero", "contacts", json), *this; }
Seed& Seed::invoice(std::string_view json) { return append("xero", "invoices", json), *this; }
Seed& Seed::contact(const ContactSpec& contact) { return kit_->add_contact(*doc_, contact), *this; }
Seed& Seed::invoice(const InvoiceSpec& invoice) { return kit_->add_invoice(*doc_, invoice), *this; }

Seed& Seed::also(std::string_view provider) {
  make_kit(provider)->add_credentials(*doc_, kHarnessRefreshToken);
  return *this;
}
Seed& Seed::contact(const ContactSpec& contact, std::string_view provider) {
  return make_kit(provider)->add_contact(*doc_, contact), *this;
}
Seed& Seed::invoice(const InvoiceSpec& invoice, std::string_view provider) {
  return make_kit(provider)->add_invoice(*doc_, invoice), *this;
}
Seed& Seed::field(std::string_view json) { return append("capsule", "fieldDefinitions", json), *this; }

Seed& Seed::clock(std::string_view now_iso) {
  auto& a = doc_->GetAllocator();
  rapidjson::Value clock(rapidjson::kObjectType);
  clock.AddMember("now", rapidjson::Value(now_iso.data(), static_cast<rapidjson::SizeType>(now_iso.size()), a), a);
  doc_->RemoveMember("clock");
  doc_->AddMember("clock", clock, a);
  return *this;
}

Seed& Seed::capsule_rate_limit(int per_hour) {
  auto& a = doc_->GetAllocator();
  auto& capsule = (*doc_)["capsule"];
  capsule.RemoveMember("rateLimitPerHour");
  capsule.AddMember("rateLimitPerHour", per_hour, a);
  return *this;
}

std::string Seed::json() const { return to_json(*doc_); }

std::string json_string(std::string_view text) {
  rapidjson::Value v(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return to_json(v);
}

std::string organisation(std::int64_t id, std::string_view name, std::string_view extra) {
  return with_members(fmt::format(R"({{"id":{},"type":"organisation","name":{}}})", id, json_string(name)), extra);
}

std::string person(std::int64_t id, std::string_view first, std::string_view last, std::string_view extra) {
  return with_members(fmt::format(R"({{"id":{},"type":"person","firstName":{},"lastName":{}}})", id,
                                  json_string(first), json_string(last)),
                      extra);
}

std::string xero_contact(std::string_view contact_id, std::string_view name, std::string_view extra) {
  return with_members(
      fmt::format(R"({{"ContactID":{},"Name":{},"ContactStatus":"ACTIVE"}})", json_string(contact_id), json_string(name)),
      extra);
}

std::string xero_invoice(std::string_view contact_id, std::string_view number, std::string_view total,
                         int due_offset_days, std::string_view extra) {
  return with_members(
      fmt::format(R"({{"Type":"ACCREC","InvoiceNumber":{},"Contact":{{"ContactID":{}}},"Status":"AUTHORISED",)"
                  R"("CurrencyCode":"GBP","DateOffsetDays":{},"DueDateOffsetDays":{},"Total":{},"AmountPaid":0}})",
                  json_string(number), json_string(contact_id), due_offset_days - 30, due_offset_days, total),
      extra);
}

std::string utc_date(int offset_days) {
  using namespace std::chrono;
  const year_month_day d{floor<days>(system_clock::now()) + days{offset_days}};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

std::string text_of(const rapidjson::Value& object, const char* key) { return str(object, key); }

std::string id_of(const rapidjson::Value* party) {
  return party && party->HasMember("id") ? std::to_string((*party)["id"].GetInt64()) : std::string();
}

// --- requests and answers

std::string describe(const std::vector<LoggedRequest>& requests) {
  std::string out;
  for (const auto& r : requests)
    out += fmt::format("{} {}{}{} -> {}\n", r.method, r.path, r.query.empty() ? "" : "?", r.query, r.status);
  return out;
}

bool LoggedRequest::is_write() const {
  if (method == "GET" || method == "HEAD") return false;
  // OAuth token endpoints: Xero's /connect/token, Sage's /token, FreeAgent's /token_endpoint;
  // KashFlow's login: /sessiontoken.
  return path.find("/connect/token") == std::string::npos && !path.ends_with("/token") &&
         !path.ends_with("/token_endpoint") && !path.ends_with("/sessiontoken");
}

rapidjson::Document HttpAnswer::json() const { return parse(body, "response body"); }

// --- SyncWorld

SyncWorld::SyncWorld(const Seed& seed, WorldOptions options)
    : options_(std::move(options)), kit_(make_kit(seed.provider())) {
  write_file(dir_ / "seed.json", seed.json());
  std::vector<std::string> args{"--seed", (dir_ / "seed.json").string(), "--time-scale",
                                fmt::format("{}", options_.time_scale)};
  if (options_.tls) args.insert(args.end(), {"--tls", "--ca-out", (dir_ / "sandbox-ca.pem").string()});
  sandbox_ = std::make_unique<test::SandboxProcess>(args);
  base_url_ = sandbox_->base_url();
  if (options_.tls) ca_pem_ = read_file(dir_ / "sandbox-ca.pem");
  auto secrets = kit_->secret_files();
  secrets.emplace("capsule-token", kCapsuleToken);
  if (!options_.second_provider.empty()) {
    second_kit_ = make_kit(options_.second_provider);
    secrets.merge(second_kit_->secret_files());
    secrets.emplace("capsule-token-2", options_.second_other_token ? kCapsuleRotatedToken : kCapsuleToken);
  }
  for (const auto& [file, secret] : secrets) {
    write_file(dir_ / file, secret + "\n");
    chmod((dir_ / file).c_str(), 0600);
  }
  const auto call = [this](const std::string& method, const std::string& target, const std::string& body,
                           const std::map<std::string, std::string>& headers) {
    return admin_with(method, target, body, headers);
  };
  kit_->connect(call);
  if (second_kit_) second_kit_->connect(call);
}

ProviderKit& SyncWorld::second_kit() {
  if (!second_kit_) fail("the world has no second connection (WorldOptions::second_provider)");
  return *second_kit_;
}

std::vector<std::string> SyncWorld::connection_names() const {
  std::vector<std::string> names{std::string(kConnection)};
  if (second_kit_) names.emplace_back(kSecondConnection);
  return names;
}

SyncWorld::~SyncWorld() {
  if (daemon_ && daemon_->running()) {
    daemon_->signal(SIGTERM);
    if (!daemon_->wait_exit(10s)) daemon_->signal(SIGKILL);
  }
}

std::string SyncWorld::sync_config_yaml(const std::string& text) const {
  std::map<std::string, std::string> sync{{"interval", "2h"}, {"capsule_poll", "1h"}, {"full_reconcile", "24h"}};
  std::string extra;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const auto colon = line.find(':');
    if (!line.empty() && line.front() != ' ' && colon != std::string::npos && sync.contains(line.substr(0, colon)))
      sync[line.substr(0, colon)] = line.substr(colon + 1);
    else if (!line.empty())
      extra += "      " + line + "\n";
  }
  std::string out;
  for (const auto& [key, value] : sync) out += fmt::format("      {}: {}\n", key, value);
  return out + extra;
}

void SyncWorld::reload_daemon() {
  const auto reloads = [&] {
    const std::string log = daemon_log();
    std::size_t n = 0;
    for (auto at = log.find("Reloaded configuration"); at != std::string::npos;
         at = log.find("Reloaded configuration", at + 1))
      ++n;
    return n;
  };
  const std::size_t before = reloads();
  write_config();
  daemon_->signal(SIGHUP);
  if (!wait_until([&] { return reloads() > before; }, 20s)) fail("capsyncd did not reload its configuration");
}

void SyncWorld::write_config() const {
  const std::string d = dir_.path().string();
  std::string yaml = fmt::format(
      "state_dir: {0}/state\nlog_level: {1}\nadmin_socket: {0}/admin.sock\nshutdown_grace: {2}\n", d,
      options_.log_level, options_.shutdown_grace);
  if (options_.tls) yaml += fmt::format("ca_file: {}/sandbox-ca.pem\n", d);
  yaml += options_.extra_yaml;
  yaml += fmt::format(
      "connections:\n"
      "  - name: {0}\n"
      "    time_zone: {1}\n{9}"
      "    capsule:\n"
      "      base_url: {2}/capsule\n"
      "      token_file: {3}/capsule-token\n{8}"
      "    accounting:\n"
      "{4}"
      "{5}"
      "    sync:\n{6}{7}",
      kConnection, options_.time_zone, base_url_, d, kit_->accounting_yaml(base_url_, d),
      (options_.refresh_token && !kit_->refresh_token_file().empty() ? fmt::format("      refresh_token_file: {}/{}\n", d, kit_->refresh_token_file()) : "") +
          indent_lines(options_.accounting_yaml, "      "),
      sync_config_yaml(options_.sync_yaml),
      options_.quotes_yaml.empty() ? "" : "    quotes:\n" + indent_lines(options_.quotes_yaml, "      "),
      capsule_app_yaml(options_.capsule_oauth_redirect, dir_.path(), base_url_),
      options_.enabled ? "" : "    enabled: false\n");
  if (second_kit_) {
    // R28: the same Capsule account as the first connection, by default with the same token.
    yaml += fmt::format(
        "  - name: {0}\n"
        "    time_zone: {1}\n"
        "    capsule:\n"
        "      base_url: {2}/capsule\n"
        "      token_file: {3}/capsule-token-2\n"
        "    accounting:\n"
        "{4}{5}"
        "    sync:\n{6}",
        kSecondConnection, options_.time_zone, base_url_, d, second_kit_->accounting_yaml(base_url_, d),
        second_kit_->refresh_token_file().empty()
            ? std::string()
            : fmt::format("      refresh_token_file: {}/{}\n", d, second_kit_->refresh_token_file()),
        sync_config_yaml(options_.second_sync_yaml));
  }
  write_file(config_path(), yaml);
}

void SyncWorld::start_daemon(bool wait) {
  write_config();
  daemon_.reset();
  daemon_ = std::make_unique<ChildProcess>(capsyncd_path, std::vector<std::string>{"--config", config_path().string()},
                                           // The daemon's rate limiters compressed like the sandbox's windows.
                                           std::map<std::string, std::string>{
                                               {"CAPSYNC_RATE_TIME_SCALE", fmt::format("{}", options_.time_scale)}},
                                           dir_ / "daemon.log");
  const bool up = wait_until(
      [&] {
        if (!daemon_->running()) return true;
        auto answer = daemon::admin_call((dir_ / "admin.sock").string(), R"({"cmd":"status"})", 2s);
        return answer.ok();
      },
      30s);
  if (!up || !daemon_->running()) fail("capsyncd did not start");
  if (wait) wait_settled();
}

void SyncWorld::stop_daemon() {
  if (!daemon_ || !daemon_->running()) return;
  daemon_->signal(SIGTERM);
  const auto code = daemon_->wait_exit(30s);
  if (code != 0) fail(fmt::format("capsyncd did not stop cleanly (exit {})", code ? *code : -1));
}

void SyncWorld::kill_daemon() {
  if (!daemon_ || !daemon_->running()) return;
  daemon_->signal(SIGKILL);
  if (!daemon_->wait_exit(10s)) fail("capsyncd survived SIGKILL");
}

void SyncWorld::restart_daemon() {
  stop_daemon();
  start_daemon();
}

bool SyncWorld::daemon_running() { return daemon_ && daemon_->running(); }

std::optional<int> SyncWorld::wait_daemon_exit(std::chrono::milliseconds timeout) {
  if (!daemon_) fail("capsyncd was not started");
  return daemon_->wait_exit(timeout);
}

std::string SyncWorld::daemon_log() const { return read_file(dir_ / "daemon.log"); }

pid_t SyncWorld::daemon_pid() const {
  if (!daemon_) fail("capsyncd is not running");
  return daemon_->pid();
}

RunResult SyncWorld::ctl(const std::vector<std::string>& args) const {
  std::vector<std::string> all{"--socket", (dir_ / "admin.sock").string()};
  all.insert(all.end(), args.begin(), args.end());
  return run(capsyncctl_path, all, 30s);
}

rapidjson::Document SyncWorld::status() const {
  auto answer = daemon::admin_call((dir_ / "admin.sock").string(), R"({"cmd":"status"})", 10s);
  if (!answer) fail("status: " + answer.error().message());
  return parse(*answer, "status answer");
}

std::string SyncWorld::auth_state() const {
  auto s = status();
  for (const auto& c : s["connections"].GetArray())
    if (str(c, "name") == kConnection) return str(c, "auth");
  fail(fmt::format("status has no connection {}", kConnection));
}

void SyncWorld::reconnect(bool capsule) {
  const std::string n = std::to_string(++reconnects_);
  // capsyncctl reads the pasted URL from stdin: a FIFO the harness writes once it has the URL.
  const auto fifo = dir_ / ("connect-" + n + ".fifo");
  if (::mkfifo(fifo.c_str(), 0600) != 0) fail("cannot make a FIFO for capsyncctl connect");
  const int writer = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);  // read-write: opening does not wait for a reader
  if (writer < 0) fail("cannot open the FIFO for capsyncctl connect");
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{writer};
  ChildProcess ctl("/bin/sh",
                   {"-c", fmt::format("exec '{}' --socket '{}' connect --manual {}{} < '{}'", capsyncctl_path,
                                      (dir_ / "admin.sock").string(), capsule ? "--capsule " : "", kConnection,
                                      fifo.string())},
                   {}, dir_ / ("connect-" + n + ".out"));
  // The authorize URL is printed on its own indented line, followed by a blank line.
  if (!ctl.wait_for_output("paste it here", 20s)) fail("capsyncctl connect printed no authorize URL: " + ctl.output());
  const std::string out = ctl.output();
  const auto at = out.find("\n  http");
  if (at == std::string::npos) fail("capsyncctl connect printed no authorize URL: " + out);
  const std::string url = out.substr(at + 3, out.find('\n', at + 1) - at - 3);
  if (!url.starts_with(base_url_)) fail("the authorize URL is not the sandbox's: " + url);
  sandbox::test::HttpCall browse;
  browse.target = url.substr(base_url_.size());
  const auto authorize = sandbox::test::http_call(base_url_, browse, ca_pem_);
  const std::string location = authorize.header("location");
  if (authorize.status != 302 || location.empty())
    fail(fmt::format("the sandbox's authorize page answered {}: {}", authorize.status, authorize.body));
  const std::string line = location + "\n";
  if (::write(writer, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    fail("cannot paste the redirected URL into capsyncctl connect");
  const auto exit = ctl.wait_exit(30s);
  if (exit != 0) fail(fmt::format("capsyncctl connect failed (exit {}): {}", exit ? *exit : -1, ctl.output()));
}

std::int64_t SyncWorld::sync_now(std::string_view connection) {
  const auto r = ctl({"--json", "sync-now", std::string(connection)});
  if (r.exit_code != 0) fail("capsyncctl sync-now failed: " + r.output);
  auto doc = parse(r.output, "sync-now answer");
  // {"job":N}, or {"jobs":[N]} from daemons that can sync several connections at once.
  if (doc.HasMember("job") && doc["job"].IsInt64()) return doc["job"].GetInt64();
  if (doc.HasMember("jobs") && doc["jobs"].IsArray() && doc["jobs"].Size() == 1 && doc["jobs"][0].IsInt64())
    return doc["jobs"][0].GetInt64();
  fail("capsyncctl sync-now answered " + r.output);
}

void SyncWorld::wait_settled(const std::vector<std::int64_t>& jobs, std::chrono::milliseconds timeout) {
  std::int64_t first = 0;
  if (!jobs.empty()) first = *std::min_element(jobs.begin(), jobs.end());
  std::string dead;
  // Whether one connection settled (false: not yet; `dead` set: a job went dead).
  const auto connection_settled = [&](const std::string& name) {
    ReadOnlyDb db(db_path());
    const auto conn = sql_quote(name);
    const auto failed = db.rows(fmt::format(
        "SELECT kind || ' job ' || id || ': ' || last_error FROM jobs WHERE connection = {} AND state = 'dead' "
        "AND id >= {}",
        conn, first));
    if (!failed.empty()) {
      dead = failed.front().front();
      return true;
    }
    if (db.rows(fmt::format("SELECT 1 FROM jobs WHERE connection = {} AND state IN ('ready', 'running')", conn))
            .size() > 0)
      return false;
    if (jobs.empty() &&
        db.rows(fmt::format("SELECT 1 FROM jobs WHERE connection = {} AND kind = 'pull' AND state = 'done'", conn))
            .empty())
      return false;
    for (auto id : jobs)
      if (db.rows(fmt::format("SELECT 1 FROM jobs WHERE id = {} AND state = 'done'", id)).empty()) return false;
    // The daemon's own view agrees: nothing queued, and the last sync went well.
    auto s = status();
    for (const auto& c : s["connections"].GetArray()) {
      if (str(c, "name") != name) continue;
      if (c["queue"]["ready"].GetInt64() != 0 || c["queue"]["running"].GetInt64() != 0) return false;
      return c["last_sync"].IsObject() && c["last_sync"]["ok"].GetBool();
    }
    return false;
  };
  const bool settled = wait_until(
      [&] {
        if (!std::filesystem::exists(db_path())) return false;
        for (const auto& name : connection_names())
          if (!connection_settled(name)) return false;
        return true;
      },
      timeout);
  if (!dead.empty()) fail("a job went dead: " + dead);
  if (!settled) {
    std::string pending;
    if (std::filesystem::exists(db_path())) {
      ReadOnlyDb db(db_path());
      for (const auto& row : db.rows("SELECT kind || ' job ' || id || ' ' || state || ' attempts ' || attempts || "
                                     "': ' || last_error FROM jobs WHERE state IN ('ready', 'running')"))
        pending += "\n  " + row.front();
    }
    fail("the sync did not settle in time; unfinished jobs:" + pending);
  }
}

void SyncWorld::sync(std::chrono::milliseconds timeout) { wait_settled({sync_now()}, timeout); }

void SyncWorld::sync_both(std::chrono::milliseconds timeout) {
  wait_settled({sync_now(kConnection), sync_now(kSecondConnection)}, timeout);
}

SandboxState SyncWorld::state() const {
  auto answer = admin("GET", "/_admin/state");
  if (answer.status != 200) fail(fmt::format("/_admin/state answered {}", answer.status));
  return SandboxState(answer.body);
}

std::vector<LoggedRequest> SyncWorld::requests() const {
  auto answer = admin("GET", "/_admin/requests");
  auto doc = answer.json();
  std::vector<LoggedRequest> out;
  for (const auto& r : doc.GetArray())
    out.push_back({r["seq"].GetInt64(), str(r, "method"), str(r, "path"), str(r, "query"), str(r, "prefix"),
                   r["status"].GetInt()});
  return out;
}

std::vector<LoggedRequest> SyncWorld::writes() const {
  auto all = requests();
  std::erase_if(all, [](const LoggedRequest& r) { return !r.is_write(); });
  return all;
}

void SyncWorld::clear_requests() { admin("DELETE", "/_admin/requests"); }

HttpAnswer SyncWorld::admin(const std::string& method, const std::string& path, const std::string& body) const {
  return admin_with(method, path, body, {});
}

HttpAnswer SyncWorld::capsule(const std::string& method, const std::string& path, const std::string& body) const {
  return admin_with(method, "/capsule/api/v2" + path, body,
                    {{"Authorization", fmt::format("Bearer {}", kCapsuleToken)},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"}});
}

HttpAnswer SyncWorld::xero(const std::string& method, const std::string& path, const std::string& body) {
  if (kit_->name() != "xero") fail(fmt::format("xero() called in a {} world", kit_->name()));
  return kit_->api(method, path, body);
}

RemoteBook SyncWorld::remote(const SandboxState& state) const { return RemoteBook(kit_->contacts(state.doc())); }

HttpAnswer SyncWorld::admin_with(const std::string& method, const std::string& target, const std::string& body,
                                 const std::map<std::string, std::string>& headers) const {
  auto r = sandbox::test::http_call(base_url_, {method, target, headers, body}, ca_pem_);
  if (r.status == 0) fail(fmt::format("{} {}: {}", method, target, r.error));
  return {r.status, r.body};
}

void SyncWorld::advance_clock(std::chrono::seconds by) {
  auto answer = admin("POST", "/_admin/time", fmt::format(R"({{"advance_s":{}}})", by.count()));
  if (answer.status != 200) fail(fmt::format("/_admin/time answered {}: {}", answer.status, answer.body));
}

std::string SyncWorld::sandbox_now() const { return str(admin("GET", "/_admin/time").json(), "now"); }

std::vector<BindingRow> SyncWorld::bindings() const {
  ReadOnlyDb db(db_path());
  std::vector<BindingRow> out;
  for (auto& row : db.rows(fmt::format(
           "SELECT capsule_id, remote_id, kind, state, created_by_us FROM bindings WHERE connection = {} ORDER BY id",
           sql_quote(kConnection))))
    out.push_back({row[0], row[1], row[2], row[3], row[4] == "1"});
  return out;
}

std::vector<ConflictRow> SyncWorld::conflicts() const {
  ReadOnlyDb db(db_path());
  std::vector<ConflictRow> out;
  for (auto& row : db.rows(fmt::format("SELECT id, kind, coalesce(capsule_id, ''), coalesce(remote_id, ''), detail, "
                                       "resolved_at IS NULL FROM conflicts WHERE connection = {} ORDER BY id",
                                       sql_quote(kConnection))))
    out.push_back({std::stoll(row[0]), row[1], row[2], row[3], row[4], row[5] == "1"});
  return out;
}

std::optional<std::string> SyncWorld::binding_of_party(std::string_view capsule_id) const {
  for (const auto& b : bindings())
    if (b.capsule_id == capsule_id && b.state == "linked") return b.remote_id;
  return std::nullopt;
}

std::optional<std::string> SyncWorld::binding_of_contact(std::string_view remote_id) const {
  for (const auto& b : bindings())
    if (b.remote_id == remote_id && b.state == "linked") return b.capsule_id;
  return std::nullopt;
}

std::string SyncWorld::query_text(const std::string& sql) const {
  ReadOnlyDb db(db_path());
  auto rows = db.rows(sql);
  return rows.empty() || rows.front().empty() ? std::string() : rows.front().front();
}

std::vector<std::vector<std::string>> SyncWorld::query_rows(const std::string& sql) const {
  ReadOnlyDb db(db_path());
  return db.rows(sql);
}

void SyncWorld::fail(const std::string& what) const {
  throw std::runtime_error(fmt::format("{}\n--- capsyncd log (tail) ---\n{}", what, tail(daemon_log(), 30)));
}

}  // namespace capsync::scenario
