#pragma once
// Internal to core/config: resolving a secret key X of a map, given only by reference as
// "X_file: /absolute/path" or "X_credential: name" (a file in $CREDENTIALS_DIRECTORY).

#include <optional>
#include <string>
#include <string_view>

#include "core/config/yaml_reader.hpp"

namespace capsync::config::detail {

// Declares X, X_file and X_credential on reader; refuses an inline X; reads the file.
// Returns the path read when out was set. Errors point at the key; no message holds the secret.
std::optional<std::string> read_secret(MapReader& reader, std::string_view key, const Environment& env, Secret& out,
                                       bool required);
std::optional<std::string> read_secret(MapReader& reader, std::string_view key, const Environment& env,
                                       std::optional<Secret>& out);

// Declares X, X_file and X_credential; reports each that is present as an error with message.
void reject_secret(MapReader& reader, std::string_view key, std::string_view message);

}  // namespace capsync::config::detail
