#pragma once
// Reading a secret (token, password) from a file named in the config or provided by systemd
// LoadCredential=. No YAML here: the config mapper resolves the reference, this reads it.

#include <string>

#include "core/error/result.hpp"
#include "core/secret/secret.hpp"

namespace capsync::config {

struct SecretFile {
  Secret value;
  bool readable_by_others = false;  // group or other may read it: worth a warning, not a refusal
};

// Reads the whole file, dropping one trailing newline ("\n" or "\r\n") that editors add.
// Fails (Errc::io / invalid_argument) when the file is missing, unreadable, not a regular
// file, empty or implausibly large. Messages name the path, never the content.
Result<SecretFile> read_secret_file(const std::string& path);

}  // namespace capsync::config
