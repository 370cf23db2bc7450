#pragma once
// Xero tenancy: GET https://api.xero.com/connections lists the organisations the user
// authorised; every Accounting call names one in the xero-tenant-id header.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/connector/accounting_types.hpp"
#include "core/error/result.hpp"

namespace capsync::xero {

struct Connection {
  std::string tenant_id;
  std::string tenant_name;
  std::string tenant_type;  // ORGANISATION or PRACTICE
};

Result<std::vector<Connection>> parse_connections(std::string_view body);

// The configured tenant (which must be connected), else the only ORGANISATION; none, or
// several with none configured, is Errc::invalid_argument listing what to put in tenant_id.
Result<connector::Tenant> choose_tenant(const std::vector<Connection>& connections,
                                        const std::optional<std::string>& configured);

// Organisations[0].ShortCode from GET /Organisation (empty when absent).
Result<std::string> parse_short_code(std::string_view body);

}  // namespace capsync::xero
