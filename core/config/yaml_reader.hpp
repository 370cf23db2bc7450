#pragma once
// Internal to core/config: typed, diagnosing access to yaml-cpp maps. Nothing outside this
// folder includes it, so yaml-cpp stays out of every other component.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/config/config.hpp"

namespace capsync::config::detail {

struct Entry;

// Collects diagnostics for one file. Positions come from yaml-cpp marks (0-based).
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }

  void error(const YAML::Mark& at, std::string key_path, std::string message);
  void warning(const YAML::Mark& at, std::string key_path, std::string message);
  bool has_errors() const;
  // "capsync.yaml:12:5: connections[0].quotes.from_milestone": where an entry's value is, for a
  // check that can only run later (against a provider) to report it as a load error would.
  std::string position(const Entry& entry) const;
  // All diagnostics, ordered by position.
  std::vector<Diagnostic> take();

  // A key a MapReader accepts, by full path; map: it holds a nested map. Kept only after
  // record_keys(), for accepted_keys().
  struct AcceptedKey {
    std::string path;
    bool map = false;
  };
  void record_keys() { record_keys_ = true; }
  void accepted(std::string path, bool map);
  const std::vector<AcceptedKey>& accepted_keys() const { return accepted_; }

 private:
  std::string file_;
  std::vector<Diagnostic> items_;
  bool record_keys_ = false;
  std::vector<AcceptedKey> accepted_;
};

// "a map", "a list", "a string", "nothing": for "expected X, got Y" messages.
std::string_view describe(const YAML::Node& node);
// The text of a scalar for an error message, shortened; never used for secrets.
std::string quote_value(const YAML::Node& node);
// "connections[0].sync" + "interval".
std::string join_path(std::string_view parent, std::string_view key);
// The best mark for a value: its own, or its key's when yaml-cpp has none (empty values).
YAML::Mark value_mark(const YAML::Node& value, const YAML::Mark& key_mark);

// One key of a map, as found in the file.
struct Entry {
  std::string key;
  std::string path;  // full key path
  YAML::Node value;
  YAML::Mark key_mark;
  YAML::Mark mark;  // of the value, or of the key when the value is empty
};

// Reads one YAML map. Each accessor declares its key; finish() reports every key of the map
// that nothing declared as unknown, with a suggestion among the declared ones. Accessors
// leave `out` untouched (the default) when the key is absent or invalid, and report why.
class MapReader {
 public:
  // anchor: where "missing key" errors point (the map's own key, or the list item).
  MapReader(YAML::Node map, std::string path, YAML::Mark anchor, Diagnostics& diagnostics);
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;
  MapReader(MapReader&&) = default;

  const std::string& path() const { return path_; }
  const YAML::Mark& anchor() const { return anchor_; }
  Diagnostics& diagnostics() { return *diagnostics_; }

  // Declares key; suggest=false keeps it out of "did you mean" (inline secret keys).
  void declare(std::string_view key, bool suggest = true);
  // Declares key and returns it if present.
  std::optional<Entry> take(std::string_view key, bool suggest = true);
  // Error at the anchor: required key absent. hint is appended in parentheses if given.
  void missing(std::string_view key, std::string_view hint = {});

  // Non-empty strings; the entry is returned so callers can check the value further.
  std::optional<Entry> string(std::string_view key, std::string& out, bool required = false);
  std::optional<Entry> string(std::string_view key, std::optional<std::string>& out);
  bool boolean(std::string_view key, bool& out);
  bool integer(std::string_view key, int& out, int min, int max);
  // A duration in [min, max]: every duration has an upper bound an operator would accept, so
  // no later arithmetic on it can overflow.
  bool duration(std::string_view key, std::chrono::seconds& out, std::chrono::seconds min, std::chrono::seconds max);

  // One of names (enum spelling); returns the index. Reports the value with a suggestion.
  std::optional<std::size_t> choice(std::string_view key, std::span<const std::string_view> names,
                                    std::string_view what);
  template <typename E, std::size_t N>
  bool choice(std::string_view key, E& out, const std::pair<std::string_view, E> (&table)[N],
              std::string_view what) {
    std::string_view names[N];
    for (std::size_t i = 0; i < N; ++i) names[i] = table[i].first;
    const auto index = choice(key, names, what);
    if (index) out = table[*index].second;
    return index.has_value();
  }

  // A nested map (an empty value counts as an empty map).
  std::optional<MapReader> map(std::string_view key, bool required = false);

  // Reports undeclared keys. Call once, after every accessor.
  void finish();

 private:
  struct Key {
    std::string name;
    YAML::Node value;
    YAML::Mark mark;
  };
  std::optional<Entry> scalar(std::string_view key, std::string_view expected);

  std::string path_;
  YAML::Mark anchor_;
  Diagnostics* diagnostics_;
  std::vector<Key> keys_;  // in file order, duplicates already reported
  std::vector<std::string> declared_;
  std::vector<std::string> suggestions_;
};

}  // namespace capsync::config::detail
