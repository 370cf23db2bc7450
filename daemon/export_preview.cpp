#include "daemon/export_preview.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/connector/json.hpp"
#include "core/engine/bindings_repo.hpp"
#include "core/engine/connection_store.hpp"
#include "core/engine/mirror_repo.hpp"
#include "core/engine/sync_context.hpp"
#include "core/model/name_key.hpp"
#include "core/sync/contact_export.hpp"
#include "daemon/admin_protocol.hpp"
#include "daemon/admin_status.hpp"
#include "daemon/daemon.hpp"
#include "daemon/export_fields.hpp"

namespace capsync::daemon {

namespace asio = boost::asio;

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

struct Existing {
  std::string id, name, status;
};

struct Preview {
  model::Party party;
  model::PartyId exported_id = 0;
  std::string exported_name;
  model::PartyType exported_type = model::PartyType::organisation;
  std::string outcome;  // create | linked | name_clash
  std::string linked_to;
  std::vector<Existing> existing;
  std::vector<ExportField> fields;
};

void write_party(Writer& w, model::PartyId id, std::string_view name, model::PartyType type) {
  w.StartObject();
  w.Key("id");
  w.Int64(id);
  w.Key("name");
  w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  w.Key("type");
  const auto t = model::to_string(type);
  w.String(t.data(), static_cast<rapidjson::SizeType>(t.size()));
  w.EndObject();
}

std::string preview_response(const std::string& connection, const config::ProviderTraits& provider, const Preview& p) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("connection");
  w.String(connection);
  w.Key("provider");
  w.String(provider.name.data(), static_cast<rapidjson::SizeType>(provider.name.size()));
  w.Key("provider_display");  // as the vendor writes it, for capsyncctl's sentences
  w.String(provider.display.data(), static_cast<rapidjson::SizeType>(provider.display.size()));
  w.Key("party");
  write_party(w, p.party.id, p.party.display_name(), p.party.type);
  w.Key("exported");
  write_party(w, p.exported_id, p.exported_name, p.exported_type);
  w.Key("outcome");
  w.String(p.outcome);
  if (!p.linked_to.empty()) {
    w.Key("linked_to");
    w.String(p.linked_to);
  }
  w.Key("existing");
  w.StartArray();
  for (const auto& e : p.existing) {
    w.StartObject();
    w.Key("id");
    w.String(e.id);
    w.Key("name");
    w.String(e.name);
    w.Key("status");
    w.String(e.status);
    w.EndObject();
  }
  w.EndArray();
  w.Key("fields");
  w.StartArray();
  for (const auto& f : p.fields) {
    w.StartObject();
    w.Key("field");
    w.String(f.field);
    w.Key("provider_field");
    w.String(f.provider_field);
    w.Key("value");
    w.String(f.value);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

std::optional<model::PartyId> as_id(std::string_view text) {
  model::PartyId id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

// The party named exactly `name` among those capsync has read from Capsule; an error names
// every candidate when there are several, and says how to find a new one when there is none.
Result<model::PartyId> party_named(store::Database& db, const std::string& connection, std::string_view name) {
  engine::PartyMirror parties(db, connection);
  const auto read = parties.find_by_exact_key(model::exact_key(name));
  if (!read) return read.error();
  const auto& found = *read;
  if (found.size() == 1) return found.front().id;
  if (found.empty())
    return make_error(Errc::not_found,
                      "no Capsule party is named \"{}\" among those capsync has read on {} (a party added since the "
                      "last sync is found after `capsyncctl sync-now {}`; or give its Capsule id)",
                      name, connection, connection);
  std::vector<std::string> ids;
  for (const auto& c : found) ids.push_back(fmt::format("{} ({})", c.id, model::to_string(c.type)));
  return make_error(Errc::conflict, "{} Capsule parties are named \"{}\": {}; export one of them by its id", found.size(),
                    name, fmt::join(ids, ", "));
}

// Why the connection cannot export now, or nullopt.
std::optional<std::string> refusal(Daemon& daemon, const config::ConnectionConfig& c) {
  if (!c.enabled) return fmt::format("connection \"{}\" is disabled in the config", c.name);
  auto state = engine::DisableState(daemon.database()).get(c.name);
  if (!state) return fmt::format("cannot read the state of connection {}: {}", c.name, state.error().message());
  if (*state != engine::ConnectionState::active)
    return fmt::format("connection \"{}\" is {} (capsyncctl enable {} first)", c.name, engine::to_string(*state),
                       c.name);
  const auto auth = read_auth_state(daemon.database(), c.name);
  if (auth == "needs_authorization" || auth == "credentials_rejected")
    return fmt::format("connection \"{}\" needs authorization ({}): run `capsyncctl connect {}`", c.name, auth, c.name);
  return std::nullopt;
}

}  // namespace

asio::awaitable<std::string> export_preview(Daemon& daemon, engine::ConnectorSource& connectors,
                                            std::string request_line) {
  auto doc = connector::json::parse(request_line, connector::json::Numbers::as_numbers);
  auto text = [&](const char* key) -> std::string {
    if (!doc || !doc->IsObject()) return {};
    auto m = doc->FindMember(key);
    return m != doc->MemberEnd() && m->value.IsString() ? std::string(m->value.GetString()) : std::string();
  };
  const std::string connection = text("connection"), party_ref = text("party");
  if (connection.empty() || party_ref.empty())
    co_return admin::error_response(
        "export-preview needs string members \"connection\" and \"party\" (a Capsule party id or exact name)");
  const auto& all = daemon.config().connections;
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& c) { return c.name == connection; });
  if (it == all.end()) co_return admin::error_response(daemon.unknown_connection(connection));
  const config::ConnectionConfig config = *it;  // a reload while we wait must not pull it away
  if (auto refused = refusal(daemon, config)) co_return admin::error_response(*refused);
  auto conns = connectors.connectors(config);
  if (!conns) co_return admin::error_response(conns.error().message());

  auto& db = daemon.database();
  auto id = as_id(party_ref);
  if (!id) {
    auto named = party_named(db, connection, party_ref);
    if (!named) co_return admin::error_response(named.error().message());
    id = *named;
  }
  auto party = co_await conns->capsule->get_party(*id);
  if (!party) {
    if (party.error().code() == Errc::not_found)
      co_return admin::error_response(fmt::format("Capsule has no party {}", *id));
    co_return admin::error_response(fmt::format("cannot read Capsule party {}: {}", *id, party.error().message()));
  }
  std::optional<model::Party> organisation;
  if (party->organisation) {
    auto org = co_await conns->capsule->get_party(party->organisation->id);
    if (org) {
      organisation = std::move(*org);
    } else if (org.error().code() != Errc::not_found) {
      co_return admin::error_response(fmt::format("cannot read organisation {} of Capsule party {}: {}",
                                                  party->organisation->id, *id, org.error().message()));
    }
  }

  engine::BindingsRepo bindings(db, connection);
  engine::ContactMirror contacts(db, connection);
  std::optional<model::Party> contact_person;
  if (party->type == model::PartyType::organisation) {
    auto person = engine::PartyMirror(db, connection).contact_person_of(party->id, std::nullopt);
    if (!person)
      co_return admin::error_response(fmt::format("cannot read the people of Capsule party {}: {}", *id, person.error().message()));
    contact_person = std::move(*person);
  }
  const auto planned =
      sync::plan_export(*party, organisation, contact_person ? &*contact_person : nullptr, bindings, contacts);
  if (!planned)
    co_return admin::error_response(fmt::format("cannot plan the export of Capsule party {}: {}", *id,
                                                planned.error().message()));
  const auto& plan = *planned;
  const std::string_view provider = config.accounting.provider.name;
  Preview p;
  p.party = *party;
  p.exported_id = plan.target_party;
  p.exported_type = plan.target_party == party->id ? party->type : model::PartyType::organisation;
  p.exported_name = plan.target_party == party->id ? party->display_name() : plan.spec.name;
  p.fields = export_fields(config.accounting.provider.export_fields, plan.spec);
  switch (plan.kind) {
    case sync::ExportPlan::Kind::nothing:
      p.outcome = "linked";
      if (auto linked = bindings.find_by_party(plan.target_party); linked && *linked) p.linked_to = (*linked)->remote_id;
      break;
    case sync::ExportPlan::Kind::name_clash:
    case sync::ExportPlan::Kind::near_duplicate: {
      p.outcome = plan.kind == sync::ExportPlan::Kind::name_clash ? "name_clash" : "near_duplicate";
      std::vector<std::string> remotes = plan.conflict->other_remote_ids;
      if (!plan.conflict->remote_id.empty()) remotes.insert(remotes.begin(), plan.conflict->remote_id);
      for (const auto& remote : remotes) {
        Existing e{remote, plan.spec.name, "active"};
        if (auto c = contacts.get(remote); c && *c) e.name = (*c)->display_name();
        p.existing.push_back(std::move(e));
      }
      break;
    }
    case sync::ExportPlan::Kind::create: {
      // As the export job does before it creates: contacts added since the last pull clash too.
      auto named = co_await conns->accounting->find_contacts_by_name(plan.spec.name);
      if (!named)
        co_return admin::error_response(fmt::format("cannot look for {} contacts named '{}': {}", provider,
                                                    plan.spec.name, named.error().message()));
      p.outcome = named->empty() ? "create" : "name_clash";
      for (const auto& c : *named)
        p.existing.push_back({c.remote_id, c.display_name(), std::string(model::to_string(c.status))});
      break;
    }
  }
  co_return preview_response(connection, config.accounting.provider, p);
}

}  // namespace capsync::daemon
