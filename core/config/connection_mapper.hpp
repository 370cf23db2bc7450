#pragma once
// Internal to core/config: maps one item of "connections:" onto ConnectionConfig.

#include <optional>

#include "core/config/yaml_reader.hpp"

namespace capsync::config::detail {

// Reads every key of one connection, reporting each problem. The result holds whatever was
// valid (defaults elsewhere); it is only used when the whole file has no errors. name_entry
// receives the "name" key so the caller can check names are unique.
ConnectionConfig read_connection(MapReader& reader, const Environment& env, const ProviderCatalog& providers,
                                 std::optional<Entry>& name_entry);

// Reports a value that is not an http(s) URL with a host, one with user info, and an http://
// URL to any host but this machine (tokens would cross the network in clear text).
bool check_url(Diagnostics& diagnostics, const Entry& entry);

}  // namespace capsync::config::detail
