#pragma once
// Loading capsync.yaml: parse, map onto the settings structs, validate, and report every
// problem with file:line:column and key path. Secrets are read here, from files named by
// reference, never accepted inline.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/settings.hpp"
#include "core/error/result.hpp"

namespace capsync::config {

// One problem found while loading. Never contains a secret value.
struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when the problem has no position (file unreadable)
  int column = 0;  // 1-based
  std::string key_path;  // e.g. "connections[0].accounting.provider"; empty for syntax errors
  std::string message;
  bool warning = false;

  // "capsync.yaml:12:5: connections[0].accounting.provider: unknown provider \"xeroo\" (did you
  // mean \"xero\"?)"; warnings read "capsync.yaml:3:1: warning: key: message".
  std::string to_string() const;
};

// What the process environment contributes to loading.
struct Environment {
  std::string credentials_directory;  // $CREDENTIALS_DIRECTORY (systemd LoadCredential=)
  // systemd's StateDirectory= and RuntimeDirectory= of the unit (the first of each): the default
  // state_dir and the directory of the default admin socket, so that each capsync@NAME
  // instance keeps its own without naming them in its config.
  std::string state_directory;    // $STATE_DIRECTORY
  std::string runtime_directory;  // $RUNTIME_DIRECTORY
  static Environment current();
};

struct LoadResult {
  std::optional<Config> config;  // set only when there are no errors (warnings allowed)
  std::vector<Diagnostic> diagnostics;  // in file order within each check
  bool ok() const;
};

// Reads and validates the file at path. Diagnostics name the file as given. A connection's
// provider must be one of `providers`.
LoadResult load_file(const std::string& path, const ProviderCatalog& providers,
                     const Environment& env = Environment::current());
// As load_file, for YAML already in memory; file_name only labels diagnostics.
LoadResult load_string(std::string_view yaml, std::string_view file_name, const ProviderCatalog& providers,
                       const Environment& env);

// The admin_socket setting alone (its default when the file has none), for capsyncctl: the file
// is read as load_file reads it, but nothing else in it is checked.
Result<std::string> admin_socket_setting(const std::string& path);

// The admin socket of the instance capsync@NAME: the admin_socket of `config_dir`/NAME.yaml, else
// the one its unit's RuntimeDirectory gives it, /run/capsync/NAME/admin.sock.
Result<std::string> instance_admin_socket(std::string_view instance, const std::string& config_dir = "/etc/capsync");

// R28: the groups of connections the file puts on one Capsule account (the same Capsule host
// and token), in file order, by name; a connection alone on its account is in none.
std::vector<std::vector<std::string>> shared_capsule_accounts(const Config& c);
// One sentence per group of shared_capsule_accounts, for --check-config and the start-up log.
std::vector<std::string> shared_capsule_notes(const Config& c);

// One line for sd_notify STATUS= and the start-up log, e.g.
// "2 connections (acme: xero, beta: freshbooks), state_dir=/var/lib/capsync".
std::string summary(const Config& c);

}  // namespace capsync::config
