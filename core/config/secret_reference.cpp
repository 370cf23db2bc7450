#include "core/config/secret_reference.hpp"

#include "core/config/secret_file.hpp"

namespace capsync::config::detail {
namespace {

std::optional<std::string> path_value(MapReader& reader, const Entry& entry, std::string_view what) {
  if (!entry.value.IsScalar() || entry.value.Scalar().empty()) {
    reader.diagnostics().error(entry.mark, entry.path, fmt::format("expected {}, got {}", what, describe(entry.value)));
    return std::nullopt;
  }
  return entry.value.Scalar();
}

}  // namespace

std::optional<std::string> read_secret(MapReader& reader, std::string_view key, const Environment& env, Secret& out,
                                       bool required) {
  Diagnostics& diags = reader.diagnostics();
  const std::string file_key = fmt::format("{}_file", key);
  const std::string credential_key = fmt::format("{}_credential", key);
  const auto inline_value = reader.take(key, /*suggest=*/false);
  const auto file = reader.take(file_key);
  const auto credential = reader.take(credential_key);

  if (inline_value) {
    // The value itself is never read, so it cannot reach a message.
    diags.error(inline_value->key_mark, inline_value->path,
                fmt::format("secrets are not accepted inline: put it in a file readable only by capsync and set "
                            "\"{}: /path/to/file\", or \"{}: name\" with systemd LoadCredential=",
                            file_key, credential_key));
  }
  if (file && credential) {
    diags.error(credential->key_mark, credential->path,
                fmt::format("set only one of \"{}\" and \"{}\"", file_key, credential_key));
    return std::nullopt;
  }
  if (!file && !credential) {
    if (required && !inline_value) {
      diags.error(reader.anchor(), reader.path(),
                  fmt::format("missing required secret \"{}\" (set \"{}: /path\" or \"{}: name\")", key, file_key,
                              credential_key));
    }
    return std::nullopt;
  }

  const Entry& entry = file ? *file : *credential;
  std::string path;
  if (file) {
    auto value = path_value(reader, entry, "an absolute file path");
    if (!value) return std::nullopt;
    if (!value->starts_with('/')) {
      diags.error(entry.mark, entry.path, fmt::format("must be an absolute path, got \"{}\"", *value));
      return std::nullopt;
    }
    path = std::move(*value);
  } else {
    auto name = path_value(reader, entry, "a credential name");
    if (!name) return std::nullopt;
    if (name->find('/') != std::string::npos || *name == "." || *name == "..") {
      diags.error(entry.mark, entry.path,
                  fmt::format("a credential name is a file name inside $CREDENTIALS_DIRECTORY, got \"{}\"", *name));
      return std::nullopt;
    }
    if (env.credentials_directory.empty()) {
      diags.error(entry.key_mark, entry.path,
                  fmt::format("$CREDENTIALS_DIRECTORY is not set (systemd sets it for units with "
                              "LoadCredential={}:...); outside systemd use \"{}\"",
                              *name, file_key));
      return std::nullopt;
    }
    path = fmt::format("{}/{}", env.credentials_directory, *name);
  }

  auto read = read_secret_file(path);
  if (!read) {
    diags.error(entry.key_mark, entry.path, read.error().message());
    return std::nullopt;
  }
  if (read->readable_by_others) {
    diags.warning(entry.key_mark, entry.path,
                  fmt::format("secret file \"{}\" is readable by group or others; restrict it with chmod 600", path));
  }
  out = std::move(read->value);
  return path;
}

std::optional<std::string> read_secret(MapReader& reader, std::string_view key, const Environment& env,
                                       std::optional<Secret>& out) {
  Secret value;
  auto path = read_secret(reader, key, env, value, /*required=*/false);
  if (path) out = std::move(value);
  return path;
}

void reject_secret(MapReader& reader, std::string_view key, std::string_view message) {
  for (const std::string& name :
       {std::string(key), fmt::format("{}_file", key), fmt::format("{}_credential", key)}) {
    if (auto entry = reader.take(name, /*suggest=*/false)) {
      reader.diagnostics().error(entry->key_mark, entry->path, std::string(message));
    }
  }
}

}  // namespace capsync::config::detail
