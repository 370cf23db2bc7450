#include "daemon/admin_protocol.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace capsync::daemon::admin {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_counts(Writer& w, const queue::QueueCounts& c) {
  w.StartObject();
  w.Key("ready");
  w.Int64(c.ready);
  w.Key("running");
  w.Int64(c.running);
  w.Key("done");
  w.Int64(c.done);
  w.Key("dead");
  w.Int64(c.dead);
  w.EndObject();
}

}  // namespace

Result<Request> parse_request(std::string_view line) {
  if (line.size() > max_request_bytes) return make_error(Errc::invalid_argument, "request too long");
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  if (doc.HasParseError())
    return make_error(Errc::protocol, "malformed JSON at offset {}: {}", doc.GetErrorOffset(),
                      rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) return make_error(Errc::protocol, "a request must be a JSON object");
  auto cmd = doc.FindMember("cmd");
  if (cmd == doc.MemberEnd() || !cmd->value.IsString())
    return make_error(Errc::protocol, "missing string member \"cmd\"");
  const std::string_view name(cmd->value.GetString(), cmd->value.GetStringLength());

  Request request;
  if (name == "status") {
    request.command = Command::status;
    return request;
  }
  if (name == "sync-now") {
    request.command = Command::sync_now;
  } else if (name == "export") {
    request.command = Command::export_party;
  } else if (name == "disable") {
    request.command = Command::disable;
  } else if (name == "enable") {
    request.command = Command::enable;
  } else {
    return make_error(Errc::unsupported, "unknown command \"{}\" (known: status, sync-now, export, disable, enable)",
                      name);
  }
  auto conn = doc.FindMember("connection");
  if (conn == doc.MemberEnd() || !conn->value.IsString() || conn->value.GetStringLength() == 0)
    return make_error(Errc::invalid_argument, "{} needs a string member \"connection\"", name);
  request.connection.assign(conn->value.GetString(), conn->value.GetStringLength());
  if (request.command == Command::export_party) {
    auto party = doc.FindMember("party_id");
    if (party == doc.MemberEnd() || !party->value.IsInt64() || party->value.GetInt64() <= 0)
      return make_error(Errc::invalid_argument,
                        "export needs a positive integer member \"party_id\" (a Capsule party id)");
    request.party_id = party->value.GetInt64();
  }
  return request;
}

std::string_view command_name(Command command) {
  switch (command) {
    case Command::sync_now:
      return "sync-now";
    case Command::export_party:
      return "export";
    case Command::disable:
      return "disable";
    case Command::enable:
      return "enable";
    case Command::status:
      break;
  }
  return "status";
}

std::string format_request(const Request& request) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("cmd");
  const auto name = command_name(request.command);
  w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  if (request.command != Command::status) {
    w.Key("connection");
    w.String(request.connection);
  }
  if (request.command == Command::export_party) {
    w.Key("party_id");
    w.Int64(request.party_id);
  }
  w.EndObject();
  return buf.GetString();
}

std::string error_response(std::string_view message) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(false);
  w.Key("error");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return buf.GetString();
}

std::string status_response(const DaemonStatus& status) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("status");
  w.String(status_line(status));
  w.Key("stopping");
  w.Bool(status.stopping);
  w.Key("queue");
  write_counts(w, status.queue);
  w.Key("connections");
  w.StartArray();
  for (const auto& c : status.connections) {
    w.StartObject();
    w.Key("name");
    w.String(c.name);
    w.Key("provider");
    w.String(c.provider);
    w.Key("enabled");
    w.Bool(c.enabled);
    w.Key("queue");
    write_counts(w, c.queue);
    w.Key("last_sync");
    if (c.last_sync) {
      w.StartObject();
      w.Key("at");
      w.String(utc_timestamp(c.last_sync->at));
      w.Key("ok");
      w.Bool(c.last_sync->ok);
      if (!c.last_sync->ok) {
        w.Key("error");
        w.String(c.last_sync->error);
      }
      w.EndObject();
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

std::string sync_now_response(std::int64_t job_id) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("job");
  w.Int64(job_id);
  w.EndObject();
  return buf.GetString();
}

std::string job_response(std::int64_t job_id) { return sync_now_response(job_id); }

std::string enable_response(std::string_view was, const std::vector<std::int64_t>& jobs) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("was");
  w.String(was.data(), static_cast<rapidjson::SizeType>(was.size()));
  w.Key("jobs");
  w.StartArray();
  for (auto id : jobs) w.Int64(id);
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

}  // namespace capsync::daemon::admin
