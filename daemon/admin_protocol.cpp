#include "daemon/admin_protocol.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/connector/json.hpp"
#include "core/version/version.hpp"

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

void write_time_or_null(Writer& w, const std::optional<std::chrono::system_clock::time_point>& at) {
  if (at) w.String(utc_timestamp(*at));
  else w.Null();
}

void write_report(Writer& w, const ConnectionReport& r) {
  w.Key("auth");
  w.String(r.auth);
  w.Key("capsule_auth");
  w.String(r.capsule_auth);
  w.Key("webhooks");
  if (r.webhooks.state.empty()) {
    w.Null();
  } else {
    w.StartObject();
    w.Key("state");
    w.String(r.webhooks.state);
    w.Key("detail");
    w.String(r.webhooks.detail);
    w.EndObject();
  }
  w.Key("capsule_account");
  if (r.capsule_account_key.empty()) {
    w.Null();
  } else {
    w.StartObject();
    w.Key("name");
    w.String(r.capsule_account);
    w.Key("key");
    w.String(r.capsule_account_key);
    w.Key("shared_with");
    w.StartArray();
    for (const auto& other : r.shares_capsule_with) w.String(other);
    w.EndArray();
    w.EndObject();
  }
  w.Key("counts");
  w.StartObject();
  w.Key("linked");
  w.Int64(r.linked);
  w.Key("created");
  w.Int64(r.created);
  w.Key("conflicts");
  w.Int64(r.conflicts);
  w.EndObject();
  w.Key("next_sync");
  write_time_or_null(w, r.next_sync);
  w.Key("rate_limits");
  w.StartArray();
  for (const auto& b : r.budgets) {
    w.StartObject();
    w.Key("provider");
    w.String(b.provider);
    w.Key("window");
    w.String(b.window);
    w.Key("limit");
    w.Int64(b.limit);
    w.Key("left");
    w.Int64(b.left);
    w.Key("resets_at");
    write_time_or_null(w, b.resets_at);
    w.EndObject();
  }
  w.EndArray();
}

// The running sync's progress and ETA (issue 22), or null when none runs.
void write_progress(Writer& w, const ConnectionStatus& c) {
  if (!c.progress) {
    w.Null();
    return;
  }
  const auto& p = *c.progress;
  w.StartObject();
  w.Key("phase");
  w.String(engine::phase_name(p.phase).data());
  w.Key("done");
  w.Int64(p.done);
  w.Key("total");
  if (p.total) w.Int64(*p.total);
  else w.Null();
  w.Key("listing");
  w.String(p.listing.c_str());
  w.Key("writes_done");
  w.Int64(p.writes_done);
  w.Key("writes_planned");
  w.Int64(p.writes_planned);
  w.Key("started_at");
  w.String(utc_timestamp(std::chrono::system_clock::time_point(std::chrono::milliseconds(p.started_ms))));
  w.Key("resumed");
  w.Bool(p.resumed);
  w.Key("summary");
  w.String(engine::progress_words(p));
  w.Key("eta_seconds");
  if (c.eta) w.Int64(c.eta->seconds);
  else w.Null();
  w.Key("eta_reason");
  w.String(c.eta ? c.eta->reason : std::string());
  w.EndObject();
}

}  // namespace

Result<Request> parse_request(std::string_view line) {
  if (line.size() > max_request_bytes) return make_error(Errc::invalid_argument, "request too long");
  auto parsed = connector::json::parse(line, connector::json::Numbers::as_numbers);
  if (!parsed) return parsed.error();
  const rapidjson::Document& doc = *parsed;
  if (!doc.IsObject()) return make_error(Errc::protocol, "a request must be a JSON object");
  auto cmd = doc.FindMember("cmd");
  if (cmd == doc.MemberEnd() || !cmd->value.IsString())
    return make_error(Errc::protocol, "missing string member \"cmd\"");
  const std::string_view name(cmd->value.GetString(), cmd->value.GetStringLength());

  Request request;
  auto text = [&](const char* key, std::string& out) {
    auto m = doc.FindMember(key);
    if (m == doc.MemberEnd() || !m->value.IsString()) return;
    out.assign(m->value.GetString(), m->value.GetStringLength());
  };
  auto flag = [&](const char* key) {
    auto m = doc.FindMember(key);
    return m != doc.MemberEnd() && m->value.IsBool() && m->value.GetBool();
  };
  auto positive = [&](const char* key) -> std::int64_t {
    auto m = doc.FindMember(key);
    if (m == doc.MemberEnd() || !m->value.IsInt64() || m->value.GetInt64() <= 0) return 0;
    return m->value.GetInt64();
  };
  if (name == "status") {
    request.command = Command::status;
    return request;
  }
  if (name == "sync-now" || name == "jobs" || name == "conflicts") {
    request.command = name == "sync-now" ? Command::sync_now : name == "jobs" ? Command::jobs : Command::conflicts;
    text("connection", request.connection);
    request.full = flag("full");
    request.dead = flag("dead");
    return request;
  }
  if (name == "job" || name == "retry" || name == "resolve") {
    request.command = name == "job" ? Command::job : name == "retry" ? Command::retry : Command::resolve;
    request.id = positive("id");
    request.all_dead = request.command == Command::retry && flag("all_dead");
    if (request.id == 0 && !request.all_dead)
      return make_error(Errc::invalid_argument, "{} needs a positive integer member \"id\"{}", name,
                        request.command == Command::retry ? " or \"all_dead\":true" : "");
    if (request.command == Command::resolve) {
      request.link = positive("link");
      request.ignore = flag("ignore");
      if ((request.link == 0) == !request.ignore)
        return make_error(Errc::invalid_argument,
                          "resolve needs either \"link\" (a positive Capsule party id) or \"ignore\":true");
    }
    return request;
  }
  if (name == "export") {
    request.command = Command::export_party;
  } else if (name == "disable") {
    request.command = Command::disable;
  } else if (name == "enable") {
    request.command = Command::enable;
  } else {
    return make_error(Errc::unsupported,
                      "unknown command \"{}\" (known: status, sync-now, export, disable, enable, jobs, job, retry, "
                      "conflicts, resolve)",
                      name);
  }
  text("connection", request.connection);
  if (request.connection.empty())
    return make_error(Errc::invalid_argument, "{} needs a string member \"connection\"", name);
  if (request.command == Command::export_party) {
    request.party_id = positive("party_id");
    if (request.party_id == 0)
      return make_error(Errc::invalid_argument,
                        "export needs a positive integer member \"party_id\" (a Capsule party id)");
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
    case Command::jobs:
      return "jobs";
    case Command::job:
      return "job";
    case Command::retry:
      return "retry";
    case Command::conflicts:
      return "conflicts";
    case Command::resolve:
      return "resolve";
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
  if (!request.connection.empty()) {
    w.Key("connection");
    w.String(request.connection);
  }
  if (request.command == Command::export_party) {
    w.Key("party_id");
    w.Int64(request.party_id);
  }
  auto flag = [&](const char* key, bool value) {
    if (!value) return;
    w.Key(key);
    w.Bool(true);
  };
  auto number = [&](const char* key, std::int64_t value) {
    if (value == 0) return;
    w.Key(key);
    w.Int64(value);
  };
  flag("full", request.full);
  flag("dead", request.dead);
  number("id", request.id);
  flag("all_dead", request.all_dead);
  number("link", request.link);
  flag("ignore", request.ignore);
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

std::string status_response(const DaemonStatus& status, const std::vector<ConnectionReport>& reports) {
  const bool with_reports = reports.size() == status.connections.size();
  std::size_t index = 0;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("status");
  w.String(status_line(status));
  w.Key("version");
  w.String(version::full.data(), static_cast<rapidjson::SizeType>(version::full.size()));
  w.Key("stopping");
  w.Bool(status.stopping);
  if (status.paused) {
    w.Key("paused");
    w.String(*status.paused);
  }
  w.Key("queue");
  write_counts(w, status.queue);
  w.Key("webhooks");
  w.StartArray();
  for (const auto& h : status.webhooks) {
    w.StartObject();
    w.Key("source");
    w.String(h.source);
    w.Key("last_delivery");
    write_time_or_null(w, h.last_delivery);
    w.Key("last_outcome");
    w.String(h.last_outcome);
    w.Key("deliveries_24h");
    w.Int64(h.deliveries_24h);
    if (h.warning) {
      w.Key("warning");
      w.String(*h.warning);
    }
    w.EndObject();
  }
  w.EndArray();
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
      w.Key("started_at");
      write_time_or_null(w, c.last_sync->started_at);
      w.Key("at");
      w.String(utc_timestamp(c.last_sync->at));
      if (!c.last_sync->kind.empty()) {
        w.Key("kind");
        w.String(c.last_sync->kind);
      }
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
    w.Key("sync_running_since");
    write_time_or_null(w, c.sync_running_since);
    w.Key("rate_limited");
    if (c.rate_limited) {
      w.StartObject();
      w.Key("until");
      w.String(utc_timestamp(c.rate_limited->until));
      w.Key("provider");
      w.String(c.rate_limited->provider);
      w.EndObject();
    } else {
      w.Null();
    }
    w.Key("progress");
    write_progress(w, c);
    if (with_reports) write_report(w, reports[index]);
    ++index;
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

namespace {

std::string ms_timestamp(std::int64_t ms) {
  return utc_timestamp(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

void write_strings(Writer& w, const std::vector<std::string>& items) {
  w.StartArray();
  for (const auto& item : items) w.String(item);
  w.EndArray();
}

}  // namespace

std::string sync_now_response(const std::vector<std::int64_t>& jobs) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("job");
  w.Int64(jobs.empty() ? 0 : jobs.front());
  w.Key("jobs");
  w.StartArray();
  for (auto id : jobs) w.Int64(id);
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

std::string jobs_response(const std::vector<queue::Job>& jobs) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("jobs");
  w.StartArray();
  for (const auto& j : jobs) {
    w.StartObject();
    w.Key("id");
    w.Int64(j.id);
    w.Key("kind");
    w.String(j.kind);
    w.Key("connection");
    w.String(j.connection);
    w.Key("state");
    const auto state = queue::to_string(j.state);
    w.String(state.data(), static_cast<rapidjson::SizeType>(state.size()));
    w.Key("attempts");
    w.Int(j.attempts);
    w.Key("max_attempts");
    w.Int(j.max_attempts);
    w.Key("created_at");
    w.String(ms_timestamp(j.created_at_ms));
    w.Key("run_after");
    w.String(ms_timestamp(j.run_after_ms));
    if (j.finished_at_ms > 0) {
      w.Key("finished_at");
      w.String(ms_timestamp(j.finished_at_ms));
    }
    if (!j.last_error.empty()) {
      w.Key("last_error");
      w.String(j.last_error);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

std::string retry_response(int retried) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("retried");
  w.Int(retried);
  w.EndObject();
  return buf.GetString();
}

std::string conflicts_response(const std::vector<ConflictView>& conflicts) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("conflicts");
  w.StartArray();
  for (const auto& c : conflicts) {
    w.StartObject();
    w.Key("id");
    w.Int64(c.id);
    w.Key("connection");
    w.String(c.connection);
    w.Key("kind");
    w.String(c.kind);
    w.Key("capsule_ids");
    write_strings(w, c.capsule_ids);
    w.Key("capsule_names");
    write_strings(w, c.capsule_names);
    w.Key("remote_id");
    w.String(c.remote_id);
    w.Key("remote_name");
    w.String(c.remote_name);
    w.Key("detail");
    w.String(c.detail);
    w.Key("created_at");
    w.String(utc_timestamp(c.created_at));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

std::string resolve_response(std::string_view resolution) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("resolution");
  w.String(resolution.data(), static_cast<rapidjson::SizeType>(resolution.size()));
  w.EndObject();
  return buf.GetString();
}

}  // namespace capsync::daemon::admin

namespace capsync::daemon {

std::string export_preview_request(std::string_view connection, std::string_view party) {
  rapidjson::StringBuffer buf;
  admin::Writer w(buf);
  w.StartObject();
  w.Key("cmd");
  w.String(export_preview_command.data(), static_cast<rapidjson::SizeType>(export_preview_command.size()));
  w.Key("connection");
  w.String(connection.data(), static_cast<rapidjson::SizeType>(connection.size()));
  w.Key("party");
  w.String(party.data(), static_cast<rapidjson::SizeType>(party.size()));
  w.EndObject();
  return buf.GetString();
}

std::string plan_request(std::string_view connection, bool full) {
  rapidjson::StringBuffer buf;
  admin::Writer w(buf);
  w.StartObject();
  w.Key("cmd");
  w.String(plan_command.data(), static_cast<rapidjson::SizeType>(plan_command.size()));
  w.Key("connection");
  w.String(connection.data(), static_cast<rapidjson::SizeType>(connection.size()));
  w.Key("full");
  w.Bool(full);
  w.EndObject();
  return buf.GetString();
}

}  // namespace capsync::daemon
