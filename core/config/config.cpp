// capsync.yaml top level: parsing, the global keys and the list of connections.
#include "core/config/config.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "core/config/accepted_keys.hpp"
#include "core/config/connection_mapper.hpp"
#include "core/config/regular_file.hpp"
#include "core/config/secret_reference.hpp"
#include "core/config/yaml_reader.hpp"

namespace capsync::config {
namespace {

using namespace std::chrono_literals;
using std::chrono::days;
using detail::Diagnostics;
using detail::Entry;
using detail::MapReader;

// sizeof(sockaddr_un::sun_path) - 1: longer socket paths cannot be bound.
constexpr std::size_t kMaxSocketPath = 107;
// Far above any real capsync.yaml (a few KiB); keeps a wrong path (/dev/zero, a log) from
// exhausting memory.
constexpr std::size_t kMaxConfigSize = 1024 * 1024;

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

bool check_host_port(Diagnostics& diags, const Entry& entry) {
  const std::string& text = entry.value.Scalar();
  const auto colon = text.rfind(':');
  bool ok = colon != std::string::npos && colon > 0 && colon + 1 < text.size();
  if (ok) {
    const std::string_view port = std::string_view(text).substr(colon + 1);
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    ok = ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535;
  }
  if (!ok)
    diags.error(entry.mark, entry.path,
                fmt::format("expected host:port such as \"127.0.0.1:9464\", got \"{}\"", text));
  return ok;
}

void check_listen_address(Diagnostics& diags, const Entry& entry) {
  const std::string& text = entry.value.Scalar();
  if (!check_host_port(diags, entry)) return;
  if (!is_loopback_address(text.substr(0, text.rfind(':')))) {
    diags.error(entry.mark, entry.path,
                fmt::format("must be a loopback address such as \"127.0.0.1:9464\" or \"[::1]:9464\" (the metrics "
                            "endpoint has no authentication), got \"{}\"",
                            text));
  }
}

// webhooks.public_url: https (http only to this machine, for a local test), no query or
// fragment, since capsync appends /webhooks/<service>/… to it.
bool check_public_url(Diagnostics& diags, const Entry& entry) {
  if (!detail::check_url(diags, entry)) return false;
  const std::string& url = entry.value.Scalar();
  if (url.find_first_of("?#") != std::string::npos) {
    diags.error(entry.mark, entry.path,
                fmt::format("expected a base URL such as \"https://hooks.example.com\" without a query or fragment, got "
                            "\"{}\"",
                            url));
    return false;
  }
  return true;
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

// Line and column (0-based, as yaml-cpp counts) of byte offset pos in text.
YAML::Mark mark_at(std::string_view text, int pos) {
  YAML::Mark mark;
  const auto end = static_cast<std::size_t>(std::clamp(pos, 0, static_cast<int>(text.size())));
  mark.pos = static_cast<int>(end);
  mark.line = 0;
  mark.column = 0;
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++mark.line;
      mark.column = 0;
    } else {
      ++mark.column;
    }
  }
  return mark;
}

// Where the first two documents of text start. At most two are read: yaml-cpp 0.7's LoadAll
// never ends on some invalid input (a lone ","), where the parser stops advancing and every
// call yields another empty document at the same place.
std::vector<YAML::Mark> document_starts(const std::string& text) {
  class Starts final : public YAML::EventHandler {
   public:
    std::vector<YAML::Mark> marks;
    void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
  } starts;
  std::istringstream in(text);
  YAML::Parser parser(in);
  while (starts.marks.size() < 2 && parser.HandleNextDocument(starts)) {
  }
  return starts.marks;
}

// The "---" line that opens the document whose first node is at `node`: yaml-cpp marks an
// empty document after its marker, which would point at the wrong line.
YAML::Mark document_start(std::string_view text, const YAML::Mark& node) {
  const std::size_t limit = std::min(static_cast<std::size_t>(std::max(node.pos, 0)), text.size());
  for (std::size_t at = text.rfind("---", limit); at != std::string_view::npos && at > 0;
       at = text.rfind("---", at - 1)) {
    if (text[at - 1] == '\n') return mark_at(text, static_cast<int>(at));
  }
  return node.line >= 0 ? node : mark_at(text, static_cast<int>(limit));
}

// Offset of the first byte of s that does not belong to a well-formed UTF-8 sequence.
std::optional<std::size_t> invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;   // overlong
      if (c == 0xED) high = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;   // overlong
      if (c == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return i;
    }
    if (i + length > s.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) return i;
    }
    i += length;
  }
  return std::nullopt;
}

void report_utf8(Diagnostics& diags, const YAML::Node& scalar, const std::string& path, const YAML::Mark& fallback) {
  if (auto at = invalid_utf8(scalar.Scalar())) {
    diags.error(detail::value_mark(scalar, fallback), path,
                fmt::format("not valid UTF-8 (byte {} of the value); save the file as UTF-8", *at + 1));
  }
}

// Every key and scalar of the document, with the key path it has. Each collection is walked
// once: an alias may refer to a collection that contains it ("&a" with "*a" inside), which
// would otherwise be walked forever.
void check_utf8(Diagnostics& diags, const YAML::Node& node, const std::string& path, std::set<int>& walked) {
  if (node.IsScalar()) {
    report_utf8(diags, node, path, node.Mark());
    return;
  }
  if ((node.IsSequence() || node.IsMap()) && !walked.insert(node.Mark().pos).second) return;
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) check_utf8(diags, node[i], fmt::format("{}[{}]", path, i), walked);
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) continue;  // MapReader reports keys that are not names
      const std::string key = it->first.Scalar();
      if (invalid_utf8(key)) {
        report_utf8(diags, it->first, path, it->first.Mark());
        continue;
      }
      check_utf8(diags, it->second, detail::join_path(path, key), walked);
    }
  }
}

// The daemon creates an absent state_dir; anything else in its place it cannot use.
void check_state_dir(Diagnostics& diags, const Entry& entry) {
  const std::string& path = entry.value.Scalar();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      diags.error(entry.mark, entry.path, fmt::format("\"{}\" exists and is not a directory", path));
  } else if (errno == ENOTDIR) {
    diags.error(entry.mark, entry.path, fmt::format("\"{}\" cannot be created: part of its path is a file", path));
  }
}

void read_connections(MapReader& root, const Environment& env, const ProviderCatalog& providers, Config& out) {
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
  std::vector<detail::ConnectionKeys> keys;  // per connection read
  for (std::size_t i = 0; i < list->value.size(); ++i) {
    const YAML::Node item = list->value[i];
    const std::string path = fmt::format("connections[{}]", i);
    if (!item.IsMap()) {
      diags.error(detail::value_mark(item, list->key_mark), path,
                  fmt::format("expected a map, got {}", detail::describe(item)));
      continue;
    }
    MapReader reader(item, path, item.Mark(), diags);
    detail::ConnectionKeys& read = keys.emplace_back();
    out.connections.push_back(detail::read_connection(reader, env, providers, read));
    if (!read.name) continue;
    const std::optional<Entry>& name = read.name;
    const auto same = [&](const Entry& e) { return e.value.Scalar() == name->value.Scalar(); };
    if (auto first = std::find_if(names.begin(), names.end(), same); first != names.end()) {
      diags.error(name->mark, name->path,
                  fmt::format("duplicate connection name \"{}\" (first used at line {})", name->value.Scalar(),
                              first->mark.line + 1));
    } else {
      names.push_back(*name);
    }
  }
  detail::separate_summary_fields(diags, out.connections, keys);
}

void read_root(MapReader& r, const Environment& env, const ProviderCatalog& providers, Config& out) {
  Diagnostics& diags = r.diagnostics();
  // The unit's directories are the defaults; the file's settings win.
  if (!env.state_directory.empty()) out.state_dir = env.state_directory;
  if (!env.runtime_directory.empty()) out.admin_socket = env.runtime_directory + "/admin.sock";
  if (auto e = r.string("state_dir", out.state_dir)) {
    require_absolute(diags, e);
    check_state_dir(diags, *e);
  }
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
  r.duration("shutdown_grace", out.shutdown_grace, 0s, 1h);
  if (auto store = r.map("store")) {
    static constexpr std::pair<std::string_view, Synchronous> kSync[] = {
        {"off", Synchronous::off}, {"normal", Synchronous::normal}, {"full", Synchronous::full}};
    store->choice("synchronous", out.store.synchronous, kSync, "synchronous mode");
    store->finish();
  }
  if (auto queue = r.map("queue")) {
    queue->integer("max_attempts", out.queue.max_attempts, 1, 1000);
    queue->duration("lease", out.queue.lease, 10s, 24h);
    queue->duration("retention", out.queue.retention, 1h, days(3650));
    queue->duration("backoff", out.queue.backoff, 1s, 24h);
    queue->duration("backoff_cap", out.queue.backoff_cap, 1s, days(7));
    queue->finish();
  }
  if (auto e = r.string("ca_file", out.ca_file)) {
    require_absolute(diags, e);
    if (e->value.Scalar().starts_with('/')) check_readable_file(diags, *e);
  }
  if (auto webhooks = r.map("webhooks")) {
    WebhookSettings& w = out.webhooks.emplace();
    if (auto e = webhooks->string("listen", w.listen)) check_host_port(diags, *e);
    webhooks->integer("max_body", w.max_body, 1024, 64 * 1024 * 1024);
    webhooks->duration("silence_warning", w.silence_warning, 1min, days(30));
    if (auto e = webhooks->string("public_url", w.public_url)) {
      if (check_public_url(diags, *e)) {
        while (w.public_url->ends_with('/')) w.public_url->pop_back();
      } else {
        w.public_url.reset();
      }
    }
    if (auto xero = webhooks->map("xero")) {
      detail::read_secret(*xero, "webhook_key", env, w.xero_webhook_key, /*required=*/true);
      xero->finish();
    }
    webhooks->finish();
  }
  read_connections(r, env, providers, out);
  r.finish();
}

// "connections[0].sync" -> "connections[].sync".
std::string without_indexes(std::string_view path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    out += path[i];
    if (path[i] != '[') continue;
    while (i + 1 < path.size() && path[i + 1] != ']') ++i;
  }
  return out;
}

// Puts an empty map at path ("connections[0].sync") in root; list items on the way exist.
void add_empty_map(YAML::Node root, std::string_view path) {
  YAML::Node node;
  node.reset(root);
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = std::min(path.find('.', start), path.size());
    const std::string_view segment = path.substr(start, dot - start);
    const std::size_t bracket = segment.find('[');
    const std::string key(segment.substr(0, bracket));
    if (bracket != std::string_view::npos) {
      std::size_t index = 0;
      std::from_chars(segment.data() + bracket + 1, segment.data() + segment.size(), index);
      YAML::Node item = node[key][index];
      node.reset(item);
    } else {
      if (!node[key].IsMap()) node[key] = YAML::Node(YAML::NodeType::Map);
      YAML::Node child = node[key];
      node.reset(child);
    }
    start = dot + 1;
  }
}

}  // namespace

std::vector<std::string> accepted_keys(const ProviderCatalog& providers) {
  // A document with one empty connection and, found round by round, an empty map under every
  // key that holds one: the readers then declare every key they accept. No provider is set, so
  // every provider's keys apply.
  YAML::Node probe(YAML::NodeType::Map);
  probe["connections"].push_back(YAML::Node(YAML::NodeType::Map));
  std::set<std::string> probed;
  for (;;) {
    Diagnostics diags{"accepted keys"};
    diags.record_keys();
    MapReader reader(probe, "", probe.Mark(), diags);
    Config ignored;
    read_root(reader, Environment{}, providers, ignored);
    bool grew = false;
    std::set<std::string> keys;
    for (const auto& key : diags.accepted_keys()) {
      keys.insert(without_indexes(key.path));
      if (key.map && probed.insert(key.path).second) {
        add_empty_map(probe, key.path);
        grew = true;
      }
    }
    if (!grew) return {keys.begin(), keys.end()};
  }
}

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
  // Several StateDirectory= lines give a colon-separated list; capsync's is the first.
  auto first = [](const char* list) { return std::string(std::string_view(list).substr(0, std::string_view(list).find(':'))); };
  if (const char* dir = std::getenv("STATE_DIRECTORY")) env.state_directory = first(dir);
  if (const char* dir = std::getenv("RUNTIME_DIRECTORY")) env.runtime_directory = first(dir);
  return env;
}

bool LoadResult::ok() const {
  return config.has_value() &&
         std::none_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) { return !d.warning; });
}

LoadResult load_string(std::string_view yaml, std::string_view file_name, const ProviderCatalog& providers,
                       const Environment& env) {
  Diagnostics diags{std::string(file_name)};
  const std::string text(yaml);
  std::vector<YAML::Node> documents;
  try {
    const auto starts = document_starts(text);
    if (starts.size() > 1 && starts[1].pos <= starts[0].pos) {
      // The parser stopped making progress: a token no document can start with.
      const auto at = static_cast<std::size_t>(starts[0].pos);
      const std::string what = at < text.size() && std::isprint(static_cast<unsigned char>(text[at]))
                                   ? fmt::format("'{}'", text[at])
                                   : fmt::format("byte 0x{:02x}", at < text.size() ? static_cast<unsigned char>(text[at]) : 0);
      diags.error(mark_at(text, starts[0].pos), "", fmt::format("invalid YAML: unexpected {}", what));
      return {std::nullopt, diags.take()};
    }
    if (starts.size() > 1) {
      // Everything after the first document would be silently ignored.
      diags.error(document_start(text, starts[1]), "",
                  "a second YAML document starts here; capsync.yaml holds a single document");
      return {std::nullopt, diags.take()};
    }
    documents.push_back(YAML::Load(text));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's message is only "bad file" and its line/column may be stale; the byte offset is right.
    diags.error(mark_at(text, e.mark.pos), "",
                fmt::format("invalid YAML: nested more than {} levels deep", e.depth()));
    return {std::nullopt, diags.take()};
  } catch (const YAML::Exception& e) {
    diags.error(e.mark, "", fmt::format("invalid YAML: {}", e.msg));
    return {std::nullopt, diags.take()};
  }
  const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
  if (!root.IsMap() && !root.IsNull()) {
    diags.error(root.Mark(), "", fmt::format("expected a map of settings at the top level, got {}", detail::describe(root)));
    return {std::nullopt, diags.take()};
  }
  // Bytes that are not UTF-8 would be written to Capsule and the provider as they are.
  std::set<int> walked;
  check_utf8(diags, root, "", walked);
  if (diags.has_errors()) return {std::nullopt, diags.take()};
  Config config;
  MapReader reader(root, "", root.Mark(), diags);
  read_root(reader, env, providers, config);
  LoadResult result;
  if (!diags.has_errors()) result.config = std::move(config);
  result.diagnostics = diags.take();
  return result;
}

LoadResult load_file(const std::string& path, const ProviderCatalog& providers, const Environment& env) {
  auto content = read_regular_file(path, kMaxConfigSize);
  if (!content) {
    const std::string_view prefix = content.error().code() == Errc::io ? "cannot read config file: " : "config file ";
    return {std::nullopt, {Diagnostic{path, 0, 0, "", fmt::format("{}{}", prefix, content.error().message())}}};
  }
  return load_string(content->bytes, path, providers, env);
}

namespace {

// The file's admin_socket, or `fallback` when it has none.
Result<std::string> admin_socket_or(const std::string& path, const std::string& fallback) {
  auto content = read_regular_file(path, kMaxConfigSize);
  if (!content) return content.error().with_context(fmt::format("Failed to read config file {}", path));
  try {
    if (document_starts(content->bytes).size() > 1)
      return make_error(Errc::invalid_argument, "{}: capsync.yaml holds a single YAML document", path);
    const YAML::Node root = YAML::Load(content->bytes);
    if (!root.IsMap() || !root["admin_socket"]) return fallback;
    const YAML::Node socket = root["admin_socket"];
    if (!socket.IsScalar() || !socket.Scalar().starts_with('/'))
      return make_error(Errc::invalid_argument, "{}:{}:{}: admin_socket: expected an absolute path", path,
                        socket.Mark().line + 1, socket.Mark().column + 1);
    return socket.Scalar();
  } catch (const YAML::Exception& e) {
    return make_error(Errc::invalid_argument, "{}:{}:{}: invalid YAML: {}", path, e.mark.line + 1, e.mark.column + 1,
                      e.msg);
  }
}

}  // namespace

Result<std::string> admin_socket_setting(const std::string& path) { return admin_socket_or(path, Config{}.admin_socket); }

Result<std::string> instance_admin_socket(std::string_view instance, const std::string& config_dir) {
  // The name becomes a file name and a directory name (systemd's %i).
  if (instance.empty() || instance.find('/') != std::string_view::npos || instance.starts_with('.'))
    return make_error(Errc::invalid_argument, "'{}' is not an instance name (capsync@NAME)", instance);
  const std::string runtime_socket = fmt::format("/run/capsync/{}/admin.sock", instance);
  const std::string path = fmt::format("{}/{}.yaml", config_dir, instance);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return runtime_socket;
  return admin_socket_or(path, runtime_socket);
}

}  // namespace capsync::config
