// capsyncctl: asks a running capsyncd over its admin socket. Wiring only; the protocol is
// in admin_protocol, the socket client in admin_client.

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"capsyncctl: talk to a running capsyncd"};
  std::string socket, config_path, connection;
  bool json = false;
  app.add_option("--socket", socket, "Admin socket of the daemon")->option_text("PATH");
  app.add_option("--config", config_path, "Read the admin socket path from this config")->option_text("FILE");
  app.add_flag("--json", json, "Print the daemon's JSON answer as is");
  app.require_subcommand(1);
  auto* status = app.add_subcommand("status", "Connections, queue and last syncs");
  auto* sync_now = app.add_subcommand("sync-now", "Enqueue a sync of one connection now");
  sync_now->add_option("connection", connection, "Connection name")->required();
  CLI11_PARSE(app, argc, argv);

  daemon::admin::Request request;
  request.command = status->parsed() ? daemon::admin::Command::status : daemon::admin::Command::sync_now;
  request.connection = connection;

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
  fmt::print("Enqueued sync of {} (job {})\n", connection, doc["job"].GetInt64());
  return 0;
}
