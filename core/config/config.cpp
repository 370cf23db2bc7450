// capsync.yaml top level: parsing, the global keys and the list of connections.
#include "core/config/config.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/config/connection_mapper.hpp"
#include "core/config/yaml_reader.hpp"

namespace capsync::config {
namespace {

using namespace std::chrono_literals;
using detail::Diagnostics;
using detail::Entry;
using detail::MapReader;

// sizeof(sockaddr_un::sun_path) - 1: longer socket paths cannot be bound.
constexpr std::size_t kMaxSocketPath = 107;

void require_absolute(Diagnostics& diags, const std::optional<Entry>& entry) {
  if (entry && !entry->value.Scalar().starts_with('/')) {
    diags.error(entry->mark, entry->path,
                fmt::format("must be an absolute path, got \"{}\"", entry->value.Scalar()));
  }
}

// An IPv4 address in 127.0.0.0/8 or the IPv6 "[::1]"; names are not resolved.
bool is_loopback_address(std::string host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    in6_addr v6{};
    return inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
  }
  in_addr v4{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

void check_listen_address(Diagnostics& diags, const Entry& entry) {
  const std::string& text = entry.value.Scalar();
  const auto colon = text.rfind(':');
  bool ok = colon != std::string::npos && colon > 0 && colon + 1 < text.size();
  if (ok) {
    const std::string_view port = std::string_view(text).substr(colon + 1);
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    ok = ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535;
  }
  if (!ok) {
    diags.error(entry.mark, entry.path,
                fmt::format("expected host:port such as \"127.0.0.1:9464\", got \"{}\"", text));
  } else if (!is_loopback_address(text.substr(0, colon))) {
    diags.error(entry.mark, entry.path,
                fmt::format("must be a loopback address such as \"127.0.0.1:9464\" or \"[::1]:9464\" (the metrics "
                            "endpoint has no authentication), got \"{}\"",
                            text));
  }
}

void check_readable_file(Diagnostics& diags, const Entry& entry) {
  const std::string& path = entry.value.Scalar();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || ::access(path.c_str(), R_OK) != 0) {
    diags.error(entry.mark, entry.path, fmt::format("cannot read \"{}\": {}", path, std::strerror(errno)));
  } else if (!S_ISREG(st.st_mode)) {
    diags.error(entry.mark, entry.path, fmt::format("\"{}\" is not a regular file", path));
  }
}

void read_connections(MapReader& root, const Environment& env, Config& out) {
  Diagnostics& diags = root.diagnostics();
  const auto list = root.take("connections");
  if (!list || list->value.IsNull() || (list->value.IsSequence() && list->value.size() == 0)) {
    diags.warning(list ? list->key_mark : root.anchor(), "connections",
                  "no connections configured; the daemon will have nothing to sync");
    return;
  }
  if (!list->value.IsSequence()) {
    diags.error(list->mark, list->path, fmt::format("expected a list, got {}", detail::describe(list->value)));
    return;
  }
  std::vector<Entry> names;  // valid names seen so far, for the duplicate check
  for (std::size_t i = 0; i < list->value.size(); ++i) {
    const YAML::Node item = list->value[i];
    const std::string path = fmt::format("connections[{}]", i);
    if (!item.IsMap()) {
      diags.error(detail::value_mark(item, list->key_mark), path,
                  fmt::format("expected a map, got {}", detail::describe(item)));
      continue;
    }
    MapReader reader(item, path, item.Mark(), diags);
    std::optional<Entry> name;
    out.connections.push_back(detail::read_connection(reader, env, name));
    if (!name) continue;
    const auto same = [&](const Entry& e) { return e.value.Scalar() == name->value.Scalar(); };
    if (auto first = std::find_if(names.begin(), names.end(), same); first != names.end()) {
      diags.error(name->mark, name->path,
                  fmt::format("duplicate connection name \"{}\" (first used at line {})", name->value.Scalar(),
                              first->mark.line + 1));
    } else {
      names.push_back(std::move(*name));
    }
  }
}

void read_root(MapReader& r, const Environment& env, Config& out) {
  Diagnostics& diags = r.diagnostics();
  require_absolute(diags, r.string("state_dir", out.state_dir));
  static constexpr std::pair<std::string_view, log::Level> kLevels[] = {{"debug", log::Level::debug},
                                                                       {"info", log::Level::info},
                                                                       {"notice", log::Level::notice},
                                                                       {"warning", log::Level::warning},
                                                                       {"error", log::Level::error}};
  r.choice("log_level", out.log_level, kLevels, "log level");
  if (auto e = r.string("admin_socket", out.admin_socket)) {
    require_absolute(diags, e);
    if (out.admin_socket.size() > kMaxSocketPath) {
      diags.error(e->mark, e->path, fmt::format("socket path longer than {} bytes", kMaxSocketPath));
    }
  }
  r.string("admin_socket_group", out.admin_socket_group);
  if (auto e = r.string("metrics_listen", out.metrics_listen)) check_listen_address(diags, *e);
  r.duration("shutdown_grace", out.shutdown_grace, 0s);
  if (auto store = r.map("store")) {
    static constexpr std::pair<std::string_view, Synchronous> kSync[] = {
        {"off", Synchronous::off}, {"normal", Synchronous::normal}, {"full", Synchronous::full}};
    store->choice("synchronous", out.store.synchronous, kSync, "synchronous mode");
    store->finish();
  }
  if (auto queue = r.map("queue")) {
    queue->integer("max_attempts", out.queue.max_attempts, 1, 1000);
    queue->duration("lease", out.queue.lease, 10s);
    queue->duration("retention", out.queue.retention, 1h);
    queue->duration("backoff", out.queue.backoff, 1s);
    queue->duration("backoff_cap", out.queue.backoff_cap, 1s);
    queue->finish();
  }
  if (auto e = r.string("ca_file", out.ca_file)) {
    require_absolute(diags, e);
    if (e->value.Scalar().starts_with('/')) check_readable_file(diags, *e);
  }
  read_connections(r, env, out);
  r.finish();
}

}  // namespace

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line > 0) out += fmt::format(":{}:{}", line, column);
  out += ": ";
  if (warning) out += "warning: ";
  if (!key_path.empty()) out += fmt::format("{}: ", key_path);
  out += message;
  return out;
}

Environment Environment::current() {
  Environment env;
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY")) env.credentials_directory = dir;
  return env;
}

bool LoadResult::ok() const {
  return config.has_value() &&
         std::none_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) { return !d.warning; });
}

LoadResult load_string(std::string_view yaml, std::string_view file_name, const Environment& env) {
  Diagnostics diags{std::string(file_name)};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    diags.error(e.mark, "", fmt::format("invalid YAML: {}", e.msg));
    return {std::nullopt, diags.take()};
  }
  if (!root.IsMap() && !root.IsNull()) {
    diags.error(root.Mark(), "", fmt::format("expected a map of settings at the top level, got {}", detail::describe(root)));
    return {std::nullopt, diags.take()};
  }
  Config config;
  MapReader reader(root, "", root.Mark(), diags);
  read_root(reader, env, config);
  LoadResult result;
  if (!diags.has_errors()) result.config = std::move(config);
  result.diagnostics = diags.take();
  return result;
}

LoadResult load_file(const std::string& path, const Environment& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return {std::nullopt, {Diagnostic{path, 0, 0, "", fmt::format("cannot read config file: {}", std::strerror(err))}}};
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return {std::nullopt, {Diagnostic{path, 0, 0, "", "cannot read config file: read error"}}};
  }
  return load_string(content.str(), path, env);
}

}  // namespace capsync::config
