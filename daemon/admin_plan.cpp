#include "daemon/admin_plan.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/connector/json.hpp"
#include "core/engine/connection_store.hpp"
#include "core/engine/sync_context.hpp"
#include "core/log/log.hpp"
#include "daemon/admin_protocol.hpp"
#include "daemon/admin_status.hpp"
#include "daemon/daemon.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_party(Writer& w, const std::optional<engine::PlanParty>& p) {
  if (!p) {
    w.Null();
    return;
  }
  w.StartObject();
  w.Key("id");
  if (p->id > 0) w.Int64(p->id);
  else w.Null();
  w.Key("name");
  w.String(p->name);
  w.EndObject();
}

void write_contact(Writer& w, const std::optional<engine::PlanContact>& c) {
  if (!c) {
    w.Null();
    return;
  }
  w.StartObject();
  w.Key("id");
  if (!c->id.empty()) w.String(c->id);
  else w.Null();
  w.Key("name");
  w.String(c->name);
  w.EndObject();
}

void write_entries(Writer& w, const char* key, const std::vector<engine::PlanEntry>& entries) {
  w.Key(key);
  w.StartArray();
  for (const auto& e : entries) {
    w.StartObject();
    w.Key("party");
    write_party(w, e.party);
    w.Key("contact");
    write_contact(w, e.contact);
    w.Key("changes");
    w.StartArray();
    for (const auto& c : e.changes) w.String(c);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

// Why the connection cannot be planned now, or nullopt.
std::optional<std::string> refusal(Daemon& daemon, const config::ConnectionConfig& c) {
  if (!c.enabled) return fmt::format("connection \"{}\" is disabled in the config; it has no next sync to plan", c.name);
  auto state = engine::DisableState(daemon.database()).get(c.name);
  if (!state) return fmt::format("cannot read the state of connection {}: {}", c.name, state.error().message());
  if (*state != engine::ConnectionState::active)
    return fmt::format("connection \"{}\" is {}; it has no next sync to plan (capsyncctl enable {} first)", c.name,
                       engine::to_string(*state), c.name);
  const auto auth = read_auth_state(daemon.database(), c.name);
  if (auth == "needs_authorization" || auth == "credentials_rejected")
    return fmt::format("connection \"{}\" needs authorization ({}): run `capsyncctl connect {}`", c.name, auth, c.name);
  return std::nullopt;
}

}  // namespace

std::string plan_response(std::string_view connection, bool full, const engine::Plan& plan) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("connection");
  w.String(connection.data(), static_cast<rapidjson::SizeType>(connection.size()));
  w.Key("full");
  w.Bool(full);
  w.Key("plan");
  w.StartObject();
  write_entries(w, "link", plan.link);
  write_entries(w, "create_in_capsule", plan.create_in_capsule);
  write_entries(w, "update_in_capsule", plan.update_in_capsule);
  write_entries(w, "push", plan.push);
  write_entries(w, "export", plan.export_contacts);
  write_entries(w, "quotes", plan.quotes);
  write_entries(w, "unlink", plan.unlink);
  w.Key("conflicts");
  w.StartArray();
  for (const auto& c : plan.conflicts) {
    w.StartObject();
    w.Key("kind");
    w.String(c.kind);
    w.Key("parties");
    w.StartArray();
    for (const auto& p : c.parties) write_party(w, p);
    w.EndArray();
    w.Key("contact");
    write_contact(w, c.contact);
    w.Key("detail");
    w.String(c.detail);
    w.EndObject();
  }
  w.EndArray();
  w.Key("reads");
  w.Int(plan.reads);
  w.EndObject();
  w.EndObject();
  return buf.GetString();
}

asio::awaitable<std::string> plan(Daemon& daemon, engine::ConnectorSource& connectors, std::string request_line) {
  auto parsed = connector::json::parse(request_line, connector::json::Numbers::as_numbers);
  if (!parsed || !parsed->IsObject()) co_return admin::error_response("plan needs a JSON object");
  const rapidjson::Document& doc = *parsed;
  auto member = doc.FindMember("connection");
  if (member == doc.MemberEnd() || !member->value.IsString() || member->value.GetStringLength() == 0)
    co_return admin::error_response("plan needs a string member \"connection\"");
  const std::string connection(member->value.GetString(), member->value.GetStringLength());
  auto full_member = doc.FindMember("full");
  const bool full = full_member != doc.MemberEnd() && full_member->value.IsBool() && full_member->value.GetBool();

  const auto& all = daemon.config().connections;
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& c) { return c.name == connection; });
  if (it == all.end()) co_return admin::error_response(daemon.unknown_connection(connection));
  const config::ConnectionConfig config = *it;  // a reload while we wait must not pull it away
  if (auto refused = refusal(daemon, config)) co_return admin::error_response(*refused);
  auto conns = connectors.connectors(config);
  if (!conns) co_return admin::error_response(conns.error().message());

  log::info({.connection = connection}, "Planning the {}sync of connection {} for the admin socket",
            full ? "full " : "next ", connection);
  auto planned = co_await engine::plan_sync(daemon.database(), config, *conns, {.full = full, .now_ms = {}});
  if (!planned) co_return admin::error_response(planned.error().message());
  const auto& p = *planned;
  log::info({.connection = connection},
            "Planned the {}sync of connection {} with {} reads and no write: {} to link, {} to create in Capsule, {} "
            "to update in Capsule, {} to push, {} to export, {} quote changes, {} to unlink, {} new conflicts",
            full ? "full " : "next ", connection, p.reads, p.link.size(), p.create_in_capsule.size(),
            p.update_in_capsule.size(), p.push.size(), p.export_contacts.size(), p.quotes.size(), p.unlink.size(),
            p.conflicts.size());
  co_return plan_response(connection, full, p);
}

}  // namespace capsync::daemon
