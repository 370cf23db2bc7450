#pragma once
// Internal to core/config: maps one item of "connections:" onto ConnectionConfig.

#include <array>
#include <optional>

#include "core/config/yaml_reader.hpp"

namespace capsync::config::detail {

// The keys of one connection that are checked against the other connections.
struct ConnectionKeys {
  std::optional<Entry> name;  // a valid name, for the uniqueness check
  // summary_fields outstanding, overdue, next_due, last_invoice, open_quotes as given; absent = the default.
  std::array<std::optional<Entry>, 5> summary_fields;
};

// Reads every key of one connection, reporting each problem. The result holds whatever was
// valid (defaults elsewhere); it is only used when the whole file has no errors.
ConnectionConfig read_connection(MapReader& reader, const Environment& env, const ProviderCatalog& providers,
                                 ConnectionKeys& keys);

// The connections (by index, ascending) on each Capsule account that more than one of them
// uses, in the order of their first connection. Same Capsule API host and the same token: the
// same user, so the same account. Connections with different tokens may share an account too;
// the daemon finds those at start (GET /site). One pass over the connections, so a file with
// thousands of them loads (and reloads) in linear time.
std::vector<std::vector<std::size_t>> shared_capsule_groups(const std::vector<ConnectionConfig>& connections);

// R28: connections on one Capsule account (same API host and token) never share a summary
// field. A summary field a later one leaves at its default carries its service's name
// ("Outstanding (Sage)"); identical names given for two of them are refused at both places.
void separate_summary_fields(Diagnostics& diagnostics, std::vector<ConnectionConfig>& connections,
                             const std::vector<ConnectionKeys>& keys);

// Reports a value that is not an http(s) URL with a host, one with user info, and an http://
// URL to any host but this machine (tokens would cross the network in clear text).
bool check_url(Diagnostics& diagnostics, const Entry& entry);

}  // namespace capsync::config::detail
