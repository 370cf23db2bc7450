// capsyncctl: asks a running capsyncd over its admin socket. Wiring and printing only; the
// protocol is in daemon/admin_protocol, the socket client in admin_client.
//
// Exit codes: 0 done, 1 refused or failed (a --wait job that failed too), 2 bad usage or a
// question with no terminal to ask on (--yes missing), 3 capsyncd is not running, 4 permission
// denied on the socket.

#include <sys/stat.h>

#include <grp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rapidjson/document.h>

#include "core/config/config.hpp"
#include "core/connector/json.hpp"
#include "core/version/version.hpp"
#include "daemon/admin_protocol.hpp"
#include "daemon/ctl/admin_client.hpp"
#include "daemon/ctl/ctl_confirm.hpp"
#include "daemon/ctl/ctl_connect.hpp"
#include "daemon/ctl/ctl_export.hpp"
#include "daemon/ctl/ctl_plan.hpp"
#include "daemon/ctl/ctl_progress.hpp"

using namespace capsync;
using daemon::admin::Command;

namespace {

constexpr const char* default_socket = "/run/capsync/admin.sock";

// --socket wins, then the config's admin_socket, then the instance's socket, then the packaged
// default.
std::string socket_path(const std::string& socket, const std::string& config_path, const std::string& instance) {
  if (!socket.empty()) return socket;
  if (config_path.empty() && !instance.empty()) {
    auto found = config::instance_admin_socket(instance);
    if (found) return *found;
    fmt::print(stderr, "capsyncctl: {}\n", found.error().message());
    std::exit(2);
  }
  if (!config_path.empty()) {
    auto configured = config::admin_socket_setting(config_path);
    if (configured) return *configured;
    fmt::print(stderr, "{}\n", configured.error().message());
    fmt::print(stderr, "capsyncctl: cannot read the socket path from {}, trying {}\n", config_path, default_socket);
  }
  return default_socket;
}

// What a person can do about a socket that refused us.
std::string access_hint(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return "run as root or as a member of the socket's group";
  const group* g = getgrgid(st.st_gid);
  if (g == nullptr || st.st_gid == 0) return "run as root, or set admin_socket_group in the config and join that group";
  return fmt::format("run as root or as a member of group {} (sudo usermod -aG {} $USER, then log in again)",
                     g->gr_name, g->gr_name);
}

const char* text(const rapidjson::Value& v, const char* key) {
  auto m = v.FindMember(key);
  return m != v.MemberEnd() && m->value.IsString() ? m->value.GetString() : "";
}

void print_counts(const rapidjson::Value& q) {
  fmt::print("{} ready, {} running, {} done, {} dead", q["ready"].GetInt64(), q["running"].GetInt64(),
             q["done"].GetInt64(), q["dead"].GetInt64());
}

void print_status(const rapidjson::Document& doc) {
  fmt::print("{}\n", doc["status"].GetString());
  if (doc.HasMember("paused") && doc["paused"].IsString()) fmt::print("  {}\n", doc["paused"].GetString());
  for (const auto& c : doc["connections"].GetArray()) {
    fmt::print("  {} ({}{}): ", c["name"].GetString(), c["provider"].GetString(),
               c["enabled"].GetBool() ? "" : ", disabled");
    print_counts(c["queue"]);
    const auto& last = c["last_sync"];
    if (last.IsObject()) {
      fmt::print("; last sync ");
      if (last.HasMember("kind") && last["kind"].IsString()) fmt::print("({}) ", last["kind"].GetString());
      if (last.HasMember("started_at") && last["started_at"].IsString())
        fmt::print("started {}, ", last["started_at"].GetString());
      fmt::print("ended {} {}", last["at"].GetString(), last["ok"].GetBool() ? "ok" : "failed");
      if (last.HasMember("error")) fmt::print(": {}", last["error"].GetString());
    } else {
      fmt::print("; no sync finished since capsyncd started");
    }
    if (c.HasMember("sync_running_since") && c["sync_running_since"].IsString())
      fmt::print("; a sync is running since {}", c["sync_running_since"].GetString());
    if (c.HasMember("progress") && c["progress"].IsObject()) fmt::print(": {}", ctl::progress_text(c["progress"]));
    if (c.HasMember("rate_limited") && c["rate_limited"].IsObject())
      fmt::print("; rate limited until {} ({})", text(c["rate_limited"], "until"), text(c["rate_limited"], "provider"));
    fmt::print("\n");
    if (!c.HasMember("counts")) continue;
    const std::string auth = text(c, "auth");
    std::string auth_words = auth;
    std::replace(auth_words.begin(), auth_words.end(), '_', ' ');
    const std::string capsule_auth = text(c, "capsule_auth");
    fmt::print("    authorization: capsule {}", capsule_auth.empty() ? "unknown" : capsule_auth);
    if (capsule_auth == "needs_new_token") fmt::print(" (put a new Capsule personal access token in its token file)");
    fmt::print(", {} {}", c["provider"].GetString(), auth_words);
    if (auth == "needs_authorization" || auth == "credentials_rejected")
      fmt::print(" (run `capsyncctl connect {}`)", c["name"].GetString());
    const auto& counts = c["counts"];
    fmt::print("; {} linked ({} created by capsync), {} open conflict{}", counts["linked"].GetInt64(),
               counts["created"].GetInt64(), counts["conflicts"].GetInt64(),
               counts["conflicts"].GetInt64() == 1 ? "" : "s");
    if (c["next_sync"].IsString()) fmt::print("; next sync {}", c["next_sync"].GetString());
    if (c.HasMember("capsule_account") && c["capsule_account"].IsObject()) {
      // R28: whose Capsule account this is, and who else syncs it.
      const auto& account = c["capsule_account"];
      fmt::print("\n    capsule account: {} ({})", text(account, "name"), text(account, "key"));
      std::vector<std::string> others;
      for (const auto& o : account["shared_with"].GetArray()) others.emplace_back(o.GetString());
      if (!others.empty())
        fmt::print(", shared with {}: each keeps its own summary fields and invoice note", fmt::join(others, ", "));
    }
    if (c.HasMember("webhooks") && c["webhooks"].IsObject())
      fmt::print("\n    webhooks: {}", text(c["webhooks"], "detail"));
    fmt::print("\n    requests left:");
    for (const auto& b : c["rate_limits"].GetArray()) {
      fmt::print(" {} {}/{} per {}", text(b, "provider"), b["left"].GetInt64(), b["limit"].GetInt64(),
                 text(b, "window"));
      if (b["resets_at"].IsString()) fmt::print(" (resets {})", b["resets_at"].GetString());
      fmt::print(";");
    }
    fmt::print("\n");
  }
  // R27: each webhook source's last delivery and its count over a day.
  if (doc.HasMember("webhooks") && doc["webhooks"].IsArray()) {
    for (const auto& h : doc["webhooks"].GetArray()) {
      fmt::print("  webhooks {}: ", text(h, "source"));
      if (h["last_delivery"].IsString())
        fmt::print("last delivery {} ({}), {} in the last 24 h", h["last_delivery"].GetString(), text(h, "last_outcome"),
                   h["deliveries_24h"].GetInt64());
      else
        fmt::print("no delivery in the last 24 h");
      if (h.HasMember("warning")) fmt::print("\n    warning: {}", text(h, "warning"));
      fmt::print("\n");
    }
  }
}

// "17 pull acme dead (8/8 attempts)"
std::string job_line(const rapidjson::Value& j) {
  return fmt::format("{:>6}  {:<15} {:<12} {:<8} {}/{} attempts  due {}", j["id"].GetInt64(), text(j, "kind"),
                     text(j, "connection"), text(j, "state"), j["attempts"].GetInt(), j["max_attempts"].GetInt(),
                     text(j, "run_after"));
}

void print_jobs(const rapidjson::Document& doc) {
  const auto& jobs = doc["jobs"].GetArray();
  if (jobs.Empty()) {
    fmt::print("No jobs waiting, running or dead\n");
    return;
  }
  fmt::print("{:>6}  {:<15} {:<12} {:<8} {}\n", "JOB", "KIND", "CONNECTION", "STATE", "ATTEMPTS");
  for (const auto& j : jobs) {
    fmt::print("{}\n", job_line(j));
    if (j.HasMember("last_error")) fmt::print("        last error: {}\n", j["last_error"].GetString());
  }
}

void print_job(const rapidjson::Value& j) {
  fmt::print("Job {}: {} on {}\n", j["id"].GetInt64(), text(j, "kind"), text(j, "connection"));
  fmt::print("  state:      {}\n", text(j, "state"));
  fmt::print("  attempts:   {} of {}\n", j["attempts"].GetInt(), j["max_attempts"].GetInt());
  fmt::print("  created:    {}\n", text(j, "created_at"));
  fmt::print("  due:        {}\n", text(j, "run_after"));
  if (j.HasMember("finished_at")) fmt::print("  finished:   {}\n", text(j, "finished_at"));
  fmt::print("  last error: {}\n", j.HasMember("last_error") ? text(j, "last_error") : "none");
  if (std::string_view(text(j, "state")) == "dead") fmt::print("Retry it with: capsyncctl jobs retry {}\n",
                                                                  j["id"].GetInt64());
}

void print_conflicts(const rapidjson::Document& doc) {
  const auto& conflicts = doc["conflicts"].GetArray();
  if (conflicts.Empty()) {
    fmt::print("No open conflicts\n");
    return;
  }
  for (const auto& c : conflicts) {
    fmt::print("Conflict {} on {}: {} (since {})\n", c["id"].GetInt64(), text(c, "connection"), text(c, "kind"),
               text(c, "created_at"));
    if (*text(c, "remote_id") != '\0')
      fmt::print("  accounting contact  {:<12} {}\n", text(c, "remote_id"), text(c, "remote_name"));
    const auto& ids = c["capsule_ids"].GetArray();
    const auto& names = c["capsule_names"].GetArray();
    for (rapidjson::SizeType i = 0; i < ids.Size(); ++i)
      fmt::print("  Capsule party       {:<12} {}\n", ids[i].GetString(), i < names.Size() ? names[i].GetString() : "");
    fmt::print("  {}\n", text(c, "detail"));
  }
  fmt::print("Resolve one with: capsyncctl conflicts resolve ID --link CAPSULE_PARTY_ID (or --ignore)\n");
}

// What the daemon did, for a person.
void print_done(const daemon::admin::Request& request, const rapidjson::Document& doc) {
  switch (request.command) {
    case Command::sync_now: {
      std::vector<std::int64_t> ids;
      for (const auto& j : doc["jobs"].GetArray()) ids.push_back(j.GetInt64());
      fmt::print("Enqueued {} of {} (job{} {})\n", request.full ? "full sync" : "sync",
                 request.connection.empty() ? "every enabled connection" : request.connection,
                 ids.size() == 1 ? "" : "s", fmt::join(ids, ", "));
      return;
    }
    case Command::export_party:
      fmt::print("Enqueued export of Capsule party {} on {} (job {}); `capsyncctl jobs` and the journal show the "
                 "outcome, `capsyncctl conflicts` a name clash\n",
                 request.party_id, request.connection, doc["job"].GetInt64());
      return;
    case Command::disable:
      fmt::print("Disabling {} (job {}): syncing has stopped; capsync's summaries, tags and notes are being removed "
                 "from Capsule and the links forgotten\n",
                 request.connection, doc["job"].GetInt64());
      return;
    case Command::enable: {
      const std::string was = doc["was"].GetString();
      if (was == "active") {
        fmt::print("{} was not disabled; nothing changed\n", request.connection);
        return;
      }
      fmt::print("Enabled {}; syncing resumes", request.connection);
      const auto& jobs = doc["jobs"].GetArray();
      if (!jobs.Empty()) {
        std::vector<std::int64_t> ids;
        for (const auto& j : jobs) ids.push_back(j.GetInt64());
        fmt::print(" (jobs {})", fmt::join(ids, ", "));
      }
      fmt::print("\n");
      return;
    }
    case Command::status:
      print_status(doc);
      return;
    case Command::jobs:
      print_jobs(doc);
      return;
    case Command::job:
      print_job(doc["jobs"][0]);
      return;
    case Command::retry:
      fmt::print("{} dead job{} back in the queue\n", doc["retried"].GetInt(), doc["retried"].GetInt() == 1 ? "" : "s");
      return;
    case Command::conflicts:
      print_conflicts(doc);
      return;
    case Command::resolve:
      if (std::string_view(doc["resolution"].GetString()) == "linked")
        fmt::print("Conflict {} resolved: Capsule party {} is linked; the next sync (queued) fills in its summary\n",
                   request.id, request.link);
      else
        fmt::print("Conflict {} ignored; capsync will not report this situation again\n", request.id);
      return;
  }
}

class Ctl {
 public:
  Ctl(std::string path, bool json) : path_(std::move(path)), json_(json) {}

  // Sends the request; prints errors. The parsed answer when the daemon accepted it.
  std::optional<rapidjson::Document> call(const daemon::admin::Request& request, int& exit_code) {
    return call_line(daemon::admin::format_request(request), exit_code);
  }
  std::optional<rapidjson::Document> call_line(const std::string& line, int& exit_code) {
    auto answer = daemon::admin_call(path_, line);
    if (!answer) {
      const auto code = answer.error().code();
      if (code == Errc::not_found) {
        fmt::print(stderr, "capsyncctl: {}; start it with `systemctl start capsync` (or check --socket/--config)\n",
                   answer.error().message());
        exit_code = 3;
      } else if (code == Errc::unauthorized) {
        fmt::print(stderr, "capsyncctl: {}: {}\n", answer.error().message(), access_hint(path_));
        exit_code = 4;
      } else {
        fmt::print(stderr, "capsyncctl: {}\n", answer.error().message());
        exit_code = 1;
      }
      return std::nullopt;
    }
    auto parsed = connector::json::parse(*answer, connector::json::Numbers::as_numbers);
    rapidjson::Document doc;
    if (parsed) doc.Swap(*parsed);
    if (!parsed || !doc.IsObject() || !doc.HasMember("ok") || !doc["ok"].IsBool()) {
      fmt::print(stderr, "capsyncctl: the daemon sent an answer that is not understood: {}\n", *answer);
      exit_code = 1;
      return std::nullopt;
    }
    if (!doc["ok"].GetBool()) {
      const std::string error = text(doc, "error");
      if (json_) fmt::print("{}\n", *answer);
      if (error.starts_with("permission denied")) {
        fmt::print(stderr, "capsyncctl: {}: {}\n", error, access_hint(path_));
        exit_code = 4;
      } else {
        fmt::print(stderr, "capsyncctl: {}\n", error.empty() ? "request refused" : error);
        exit_code = 1;
      }
      return std::nullopt;
    }
    last_answer_ = std::move(*answer);
    return doc;
  }
  const std::string& last_answer() const { return last_answer_; }
  bool json() const { return json_; }

 private:
  std::string path_;
  bool json_;
  std::string last_answer_;
};

// The progress of `connection`'s running sync, from a status answer.
void show_progress(Ctl& ctl, ctl::ProgressFollower& follower, const std::string& connection) {
  daemon::admin::Request request;
  request.command = Command::status;
  int code = 0;
  auto doc = ctl.call(request, code);
  if (!doc) return;
  for (const auto& c : (*doc)["connections"].GetArray())
    if (text(c, "name") == connection && c.HasMember("progress")) follower.show(connection, c["progress"]);
}

// Follows the jobs of a sync-now until each is done (0) or has failed an attempt (1). A job
// the request joined may carry an older attempt's error: only attempts made from now count.
int wait_for_jobs(Ctl& ctl, const std::vector<std::int64_t>& ids) {
  int result = 0;
  ctl::ProgressFollower follower(isatty(STDOUT_FILENO) != 0);
  for (auto id : ids) {
    std::string last_line;
    std::optional<int> first_attempts;
    for (;;) {
      daemon::admin::Request request;
      request.command = Command::job;
      request.id = id;
      int code = 0;
      auto doc = ctl.call(request, code);
      if (!doc) return code;
      const auto& j = (*doc)["jobs"][0];
      const std::string state = text(j, "state");
      const int attempts = j["attempts"].GetInt();
      if (!first_attempts) first_attempts = attempts;
      const bool failed = state == "dead" || (state == "ready" && attempts > *first_attempts);
      if (ctl.json()) {
        if (state == "done" || failed) fmt::print("{}\n", ctl.last_answer());
      } else {
        std::string line = fmt::format("job {} {} on {}: {}", id, text(j, "kind"), text(j, "connection"), state);
        if (state == "ready" && failed) line += fmt::format(", failed, retry due {}", text(j, "run_after"));
        if (line != last_line) {
          follower.end_line();
          fmt::print("{}\n", line);
        }
        std::fflush(stdout);
        last_line = std::move(line);
        if (failed) fmt::print(stderr, "capsyncctl: job {} failed: {}\n", id, text(j, "last_error"));
      }
      if (state == "running" && !ctl.json()) show_progress(ctl, follower, text(j, "connection"));
      if (state == "done") {
        follower.end_line();
        break;
      }
      if (failed) {
        follower.end_line();
        result = 1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // polling interval, not a timing assumption
    }
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"capsyncctl: talk to a running capsyncd"};
  // Global options are accepted after the subcommand too.
  app.fallthrough();
  std::string socket, config_path, connection, instance;
  daemon::admin::Request request;
  bool json = false, wait = false;
  app.add_option("--socket", socket, "Admin socket of the daemon (default: the config's admin_socket, else " +
                                          std::string(default_socket) + ")")
      ->option_text("PATH");
  app.add_option("--config", config_path, "Read the admin socket path from this config")->option_text("FILE");
  app.add_option("--instance", instance,
                 "Talk to capsync@NAME: the admin_socket of /etc/capsync/NAME.yaml, else /run/capsync/NAME/admin.sock")
      ->option_text("NAME")
      ->envname("CAPSYNC_INSTANCE");
  app.add_flag("--json", json, "Print the daemon's JSON answer as is");
  bool yes = false;
  app.add_flag("--yes", yes,
               "Export or disable without asking (needed without a terminal to ask on, and with --json)");
  app.set_version_flag("--version", "capsyncctl " + std::string(version::full));
  app.require_subcommand(1);

  auto* status = app.add_subcommand("status", "Connections, queue and last syncs");
  auto* sync_now =
      app.add_subcommand("sync-now", "Enqueue a sync now (of every enabled connection when none is named)");
  sync_now->add_option("connection", connection, "Connection name");
  sync_now->add_flag("--full", request.full, "A full reconcile that ignores the incremental cursors");
  sync_now->add_flag("--wait", wait, "Follow the sync to its end; exit 1 if it failed");
  auto* export_cmd = app.add_subcommand("export", "Export one Capsule party to the accounting service (R12)");
  std::string party;
  export_cmd->add_option("connection", connection, "Connection name")->required();
  export_cmd->add_option("party", party, "Capsule party id, or its exact name")->required();
  auto* disable = app.add_subcommand(
      "disable", "Stop syncing a connection and remove capsync's summaries, tags and notes from Capsule (R16)");
  disable->add_option("connection", connection, "Connection name")->required();
  auto* enable = app.add_subcommand("enable", "Resume syncing a connection that was disabled");
  enable->add_option("connection", connection, "Connection name")->required();
  bool manual = false;
  auto* connect = app.add_subcommand(
      "connect", "Authorize capsync at the accounting service (OAuth in a browser; KashFlow: check the credentials)");
  connect->add_option("connection", connection, "Connection name")->required();
  connect->add_flag("--manual", manual,
                    "Paste the URL the browser is sent to instead of capsyncd listening for it (an https "
                    "redirect_uri, or no browser that reaches the server)");
  bool capsule_side = false;
  connect->add_flag("--capsule", capsule_side,
                    "Authorize the connection's Capsule account through its registered Capsule app (capsule.oauth), "
                    "for REST hooks instead of polling");

  ctl::PlanArgs plan_args;
  auto* plan_cmd = app.add_subcommand("plan", "What the next sync of a connection would do, writing nothing");
  plan_cmd->add_option("connection", plan_args.connection, "Connection name")->required();
  plan_cmd->add_flag("--full", plan_args.full, "Plan a full reconcile instead of the next incremental sync");
  plan_cmd->add_flag("--all", plan_args.all, "Show every line of each list, not only the first ones");

  auto* jobs = app.add_subcommand("jobs", "Jobs waiting, running or dead (show and retry them)");
  jobs->require_subcommand(0, 1);
  jobs->add_flag("--dead", request.dead, "Only jobs that failed for good");
  jobs->add_option("--connection", connection, "Only this connection's jobs")->option_text("NAME");
  auto* jobs_show = jobs->add_subcommand("show", "One job with its last error");
  jobs_show->add_option("id", request.id, "Job id")->required()->check(CLI::PositiveNumber);
  auto* jobs_retry = jobs->add_subcommand("retry", "Put a dead job (or every dead job) back in the queue");
  auto* retry_id = jobs_retry->add_option("id", request.id, "Job id")->check(CLI::PositiveNumber);
  auto* all_dead = jobs_retry->add_flag("--all-dead", request.all_dead, "Every dead job");
  retry_id->excludes(all_dead);
  jobs_retry->callback([&] {
    if (request.id == 0 && !request.all_dead) throw CLI::ValidationError("jobs retry", "give a job id or --all-dead");
  });

  auto* conflicts = app.add_subcommand("conflicts", "Decisions that need a person (R17), and resolving them");
  conflicts->require_subcommand(0, 1);
  conflicts->add_option("connection", connection, "Only this connection's conflicts");
  auto* resolve = conflicts->add_subcommand("resolve", "Link the accounting contact to a Capsule party, or ignore");
  resolve->add_option("id", request.id, "Conflict id")->required()->check(CLI::PositiveNumber);
  auto* link = resolve->add_option("--link", request.link, "Capsule party to link the accounting contact to")
                   ->option_text("CAPSULE_ID")
                   ->check(CLI::PositiveNumber);
  auto* ignore = resolve->add_flag("--ignore", request.ignore, "Hide it; the same situation is not reported again");
  link->excludes(ignore);
  resolve->callback([&] {
    if (request.link == 0 && !request.ignore)
      throw CLI::ValidationError("resolve", "give --link CAPSULE_ID or --ignore");
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (status->parsed()) request.command = Command::status;
  else if (sync_now->parsed()) request.command = Command::sync_now;
  else if (export_cmd->parsed()) request.command = Command::export_party;
  else if (disable->parsed()) request.command = Command::disable;
  else if (enable->parsed()) request.command = Command::enable;
  else if (jobs_show->parsed()) request.command = Command::job;
  else if (jobs_retry->parsed()) request.command = Command::retry;
  else if (jobs->parsed()) request.command = Command::jobs;
  else if (resolve->parsed()) request.command = Command::resolve;
  else if (conflicts->parsed()) request.command = Command::conflicts;
  request.connection = connection;

  if (plan_cmd->parsed()) return ctl::run_plan(socket_path(socket, config_path, instance), plan_args, json);
  if (connect->parsed()) return ctl::run_connect(socket_path(socket, config_path, instance), connection, manual, json, capsule_side);
  Ctl ctl(socket_path(socket, config_path, instance), json);
  int exit_code = 0;
  const ctl::AdminCall call = [&ctl](const std::string& line, int& code) { return ctl.call_line(line, code); };
  ctl::ExportDecision exported;
  if (export_cmd->parsed()) {
    exported = ctl::preview_export(call, connection, party, yes, json);
    if (!exported.party_id) return exported.exit_code;
    request.party_id = *exported.party_id;
  }
  if (disable->parsed())
    if (auto refused = ctl::refuse_disable(call, connection, yes, json)) return *refused;
  auto doc = ctl.call(request, exit_code);
  if (!doc) return exit_code;
  if (json)
    fmt::print("{}\n", exported.preview.empty() ? ctl.last_answer()
                                                : ctl::with_preview(ctl.last_answer(), exported.preview));
  else print_done(request, *doc);
  if (request.command == Command::sync_now && wait) {
    std::vector<std::int64_t> ids;
    for (const auto& j : (*doc)["jobs"].GetArray()) ids.push_back(j.GetInt64());
    return wait_for_jobs(ctl, ids);
  }
  return 0;
}
