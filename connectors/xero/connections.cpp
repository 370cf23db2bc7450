#include "connectors/xero/connections.hpp"

#include <fmt/format.h>

#include "core/connector/json.hpp"

namespace capsync::xero {

namespace json = connector::json;

Result<std::vector<Connection>> parse_connections(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  if (!doc->IsArray()) return Error(Errc::protocol, "the connections list is not a JSON array");
  std::vector<Connection> out;
  for (const auto& c : doc->GetArray()) {
    Connection conn{std::string(json::text_or_empty(c, "tenantId")),
                    std::string(json::text_or_empty(c, "tenantName")),
                    std::string(json::text_or_empty(c, "tenantType"))};
    if (conn.tenant_id.empty()) return Error(Errc::protocol, "a connection has no tenantId");
    out.push_back(std::move(conn));
  }
  return out;
}

Result<connector::Tenant> choose_tenant(const std::vector<Connection>& connections,
                                        const std::optional<std::string>& configured) {
  std::vector<std::string> known;
  for (const auto& c : connections) known.push_back(fmt::format("{} ({})", c.tenant_id, c.tenant_name));
  if (configured && !configured->empty()) {
    for (const auto& c : connections)
      if (c.tenant_id == *configured) return connector::Tenant{c.tenant_id, c.tenant_name};
    return make_error(Errc::invalid_argument,
                      "the configured Xero tenant_id {} is not connected; connected: {}; "
                      "reconnect with `capsyncctl connect` or fix tenant_id",
                      *configured, known.empty() ? std::string("none") : fmt::format("{}", fmt::join(known, ", ")));
  }
  std::vector<const Connection*> organisations;
  for (const auto& c : connections)
    if (c.tenant_type.empty() || c.tenant_type == "ORGANISATION") organisations.push_back(&c);
  if (organisations.empty())
    return Error(Errc::invalid_argument,
                 "no Xero organisation is connected; run `capsyncctl connect` and pick one");
  if (organisations.size() > 1)
    return make_error(Errc::invalid_argument,
                      "several Xero organisations are connected ({}); set accounting.tenant_id",
                      fmt::join(known, ", "));
  return connector::Tenant{organisations.front()->tenant_id, organisations.front()->tenant_name};
}

Result<std::string> parse_short_code(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* orgs = json::array(*doc, "Organisations");
  if (!orgs || orgs->Empty()) return std::string{};
  return std::string(json::text_or_empty((*orgs)[0], "ShortCode"));
}

}  // namespace capsync::xero
