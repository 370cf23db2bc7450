// capsyncctl: asks a running capsyncd over its admin socket. Wiring only; the protocol is
// in admin_protocol, the socket client in admin_client.

#include <cstdio>
#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rapidjson/document.h>

#include "core/config/config.hpp"
#include "daemon/admin_client.hpp"
#include "daemon/admin_protocol.hpp"

using namespace capsync;

namespace {

// --socket wins, then the config's admin_socket, then the packaged default.
std::string socket_path(const std::string& socket, const std::string& config_path) {
  if (!socket.empty()) return socket;
  if (!config_path.empty()) {
    auto loaded = config::load_file(config_path);
    if (loaded.ok()) return loaded.config->admin_socket;
    for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", d.to_string());
    fmt::print(stderr, "capsyncctl: cannot read the socket path from {}, trying the default\n", config_path);
  }
  return "/run/capsync/admin.sock";
}

void print_counts(const rapidjson::Value& q) {
  fmt::print("{} ready, {} running, {} done, {} dead", q["ready"].GetInt64(), q["running"].GetInt64(),
             q["done"].GetInt64(), q["dead"].GetInt64());
}

int print_status(const rapidjson::Document& doc) {
  fmt::print("{}\n", doc["status"].GetString());
  for (const auto& c : doc["connections"].GetArray()) {
    fmt::print("  {} ({}{}): ", c["name"].GetString(), c["provider"].GetString(),
               c["enabled"].GetBool() ? "" : ", disabled");
    print_counts(c["queue"]);
    const auto& last = c["last_sync"];
    if (last.IsObject()) {
      fmt::print("; last sync {} {}", last["at"].GetString(), last["ok"].GetBool() ? "ok" : "failed");
      if (last.HasMember("error")) fmt::print(": {}", last["error"].GetString());
    }
    fmt::print("\n");
  }
  return 0;
}

// What the daemon did, for a person.
void print_done(const daemon::admin::Request& request, const rapidjson::Document& doc) {
  using daemon::admin::Command;
  switch (request.command) {
    case Command::sync_now:
      fmt::print("Enqueued sync of {} (job {})\n", request.connection, doc["job"].GetInt64());
      return;
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
      return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"capsyncctl: talk to a running capsyncd"};
  std::string socket, config_path, connection;
  std::int64_t party_id = 0;
  bool json = false;
  app.add_option("--socket", socket, "Admin socket of the daemon")->option_text("PATH");
  app.add_option("--config", config_path, "Read the admin socket path from this config")->option_text("FILE");
  app.add_flag("--json", json, "Print the daemon's JSON answer as is");
  app.require_subcommand(1);
  auto* status = app.add_subcommand("status", "Connections, queue and last syncs");
  auto* sync_now = app.add_subcommand("sync-now", "Enqueue a sync of one connection now");
  sync_now->add_option("connection", connection, "Connection name")->required();
  auto* export_cmd = app.add_subcommand("export", "Export one Capsule party to the accounting service (R12)");
  export_cmd->add_option("connection", connection, "Connection name")->required();
  export_cmd->add_option("party-id", party_id, "Capsule party id")->required()->check(CLI::PositiveNumber);
  auto* disable = app.add_subcommand(
      "disable", "Stop syncing a connection and remove capsync's summaries, tags and notes from Capsule (R16)");
  disable->add_option("connection", connection, "Connection name")->required();
  auto* enable = app.add_subcommand("enable", "Resume syncing a connection that was disabled");
  enable->add_option("connection", connection, "Connection name")->required();
  CLI11_PARSE(app, argc, argv);

  daemon::admin::Request request;
  if (status->parsed()) request.command = daemon::admin::Command::status;
  else if (sync_now->parsed()) request.command = daemon::admin::Command::sync_now;
  else if (export_cmd->parsed()) request.command = daemon::admin::Command::export_party;
  else if (disable->parsed()) request.command = daemon::admin::Command::disable;
  else if (enable->parsed()) request.command = daemon::admin::Command::enable;
  request.connection = connection;
  request.party_id = party_id;

  const std::string path = socket_path(socket, config_path);
  auto answer = daemon::admin_call(path, daemon::admin::format_request(request));
  if (!answer) {
    fmt::print(stderr, "capsyncctl: {}\n", answer.error().message());
    return answer.error().code() == Errc::not_found ? 3 : 1;
  }
  if (json) {
    fmt::print("{}\n", *answer);
    return 0;
  }
  rapidjson::Document doc;
  doc.Parse(answer->c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("ok")) {
    fmt::print(stderr, "capsyncctl: the daemon sent an answer that is not understood: {}\n", *answer);
    return 1;
  }
  if (!doc["ok"].GetBool()) {
    fmt::print(stderr, "capsyncctl: {}\n", doc.HasMember("error") ? doc["error"].GetString() : "request refused");
    return 1;
  }
  if (request.command == daemon::admin::Command::status) return print_status(doc);
  print_done(request, doc);
  return 0;
}
