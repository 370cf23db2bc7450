#include "daemon/ctl/ctl_connect.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>

#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/connector/json.hpp"
#include "daemon/ctl/admin_client.hpp"

namespace capsync::ctl {

namespace {

// capsyncd gives up on the browser after 5 minutes; this only guards against a hung daemon.
constexpr std::chrono::minutes wait_timeout{6};

// The port the redirect URI sends the browser back to, for the ssh -L hint.
std::uint16_t redirect_port(const std::string& redirect) {
  auto url = boost::urls::parse_absolute_uri(redirect);
  if (!url) return 8765;  // capsync's default redirect port
  if (url->has_port()) return url->port_number();
  return url->scheme_id() == boost::urls::scheme::https ? 443 : 80;
}

std::string request_line(const char* cmd, const std::string& connection, bool manual = false,
                         const std::string* redirected_url = nullptr, bool capsule = false) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("cmd");
  w.String(cmd);
  w.Key("connection");
  w.String(connection);
  if (manual) {
    w.Key("manual");
    w.Bool(true);
  }
  if (redirected_url != nullptr) {
    w.Key("redirected_url");
    w.String(*redirected_url);
  }
  if (capsule) {
    w.Key("capsule");
    w.Bool(true);
  }
  w.EndObject();
  return buf.GetString();
}

const char* text(const rapidjson::Value& v, const char* key) {
  auto m = v.FindMember(key);
  return m != v.MemberEnd() && m->value.IsString() ? m->value.GetString() : "";
}

class Session {
 public:
  Session(std::string socket_path, bool json) : path_(std::move(socket_path)), json_(json) {}

  // The daemon's answer when it accepted the request; prints why not otherwise.
  std::optional<rapidjson::Document> call(const std::string& line, std::chrono::milliseconds timeout) {
    auto answer = daemon::admin_call(path_, line, timeout);
    if (!answer) {
      const auto code = answer.error().code();
      if (code == Errc::not_found) {
        fmt::print(stderr, "capsyncctl: {}; start it with `systemctl start capsync` (or check --socket/--config)\n",
                   answer.error().message());
        exit_code_ = 3;
      } else if (code == Errc::unauthorized) {
        fmt::print(stderr, "capsyncctl: {}\n", answer.error().message());
        exit_code_ = 4;
      } else {
        fmt::print(stderr, "capsyncctl: {}\n", answer.error().message());
        exit_code_ = 1;
      }
      return std::nullopt;
    }
    auto parsed = connector::json::parse(*answer, connector::json::Numbers::as_numbers);
    rapidjson::Document doc;
    if (parsed) doc.Swap(*parsed);
    if (!parsed || !doc.IsObject() || !doc.HasMember("ok") || !doc["ok"].IsBool()) {
      fmt::print(stderr, "capsyncctl: the daemon sent an answer that is not understood\n");
      exit_code_ = 1;
      return std::nullopt;
    }
    if (json_) fmt::print("{}\n", *answer);
    if (!doc["ok"].GetBool()) {
      const std::string error = text(doc, "error");
      fmt::print(stderr, "capsyncctl: {}\n", error.empty() ? "request refused" : error);
      exit_code_ = error.starts_with("permission denied") ? 4 : 1;
      return std::nullopt;
    }
    std::fflush(stdout);
    return doc;
  }
  int exit_code() const { return exit_code_; }
  bool json() const { return json_; }

 private:
  std::string path_;
  bool json_;
  int exit_code_ = 0;
};

int report_connected(const Session& session, const std::string& connection, const rapidjson::Document& doc) {
  if (session.json()) return 0;
  if (std::string_view(text(doc, "provider")) == "Capsule")
    fmt::print("Connected {} to its Capsule account through the registered Capsule app", connection);
  else
    fmt::print("Connected {} to {} organisation {}", connection, text(doc, "provider"), text(doc, "organisation"));
  const auto& job = doc["job"];
  if (job.IsInt64()) fmt::print("; a sync is queued (job {})", job.GetInt64());
  else fmt::print("; the connection is disabled, so no sync is queued (capsyncctl enable {})", connection);
  const int retried = doc["jobs_retried"].GetInt();
  if (retried > 0) fmt::print("; {} dead job{} back in the queue", retried, retried == 1 ? "" : "s");
  fmt::print("\n");
  return 0;
}

}  // namespace

int run_connect(const std::string& socket_path, const std::string& connection, bool manual, bool json, bool capsule) {
  Session session(socket_path, json);
  auto started =
      session.call(request_line("connect", connection, manual, nullptr, capsule), std::chrono::minutes(1));
  if (!started) return session.exit_code();
  if (started->HasMember("organisation")) return report_connected(session, connection, *started);

  const std::string redirect = text(*started, "redirect_uri");
  if (!json) {
    fmt::print("Open this URL in a browser and allow capsync access to your {} {}:\n\n  {}\n\n",
               text(*started, "provider"), capsule ? "account" : "organisation", text(*started, "url"));
    if (manual) {
      fmt::print("The browser is then sent to {} (the page may not load; that is expected). Copy the whole address "
                 "from the browser's address bar, paste it here and press Enter (the code alone will do):\n",
                 redirect);
    } else {
      const std::uint16_t port = redirect_port(redirect);
      fmt::print("The browser is then sent back to {}, where capsyncd listens. If the browser runs on another "
                 "machine, forward the port first: ssh -L {}:127.0.0.1:{} <server>\n"
                 "Waiting for the authorization (up to 5 minutes)...\n",
                 redirect, port, port);
    }
    std::fflush(stdout);
  }
  if (!manual) {
    auto done = session.call(request_line("connect-wait", connection), wait_timeout);
    if (!done) return session.exit_code();
    return report_connected(session, connection, *done);
  }
  std::string pasted;
  if (!std::getline(std::cin, pasted) || pasted.find_first_not_of(" \t\r") == std::string::npos) {
    fmt::print(stderr, "capsyncctl: no redirected URL was given; run `capsyncctl connect --manual {}` again\n",
               connection);
    return 1;
  }
  auto done = session.call(request_line("connect-finish", connection, false, &pasted), std::chrono::minutes(1));
  if (!done) return session.exit_code();
  return report_connected(session, connection, *done);
}

}  // namespace capsync::ctl
