#include "core/config/yaml_reader.hpp"

#include <algorithm>
#include <charconv>

#include "core/config/duration.hpp"
#include "core/config/suggest.hpp"

namespace capsync::config::detail {
namespace {

int one_based(int zero_based) { return zero_based >= 0 ? zero_based + 1 : 0; }

std::string suggestion_suffix(std::string_view word, const std::vector<std::string>& candidates) {
  std::vector<std::string_view> views(candidates.begin(), candidates.end());
  if (auto best = closest_match(word, views)) return fmt::format(" (did you mean \"{}\"?)", *best);
  return {};
}

bool is_true(std::string_view s) { return s == "true" || s == "True" || s == "TRUE"; }
bool is_false(std::string_view s) { return s == "false" || s == "False" || s == "FALSE"; }

}  // namespace

void Diagnostics::error(const YAML::Mark& at, std::string key_path, std::string message) {
  items_.push_back({file_, one_based(at.line), one_based(at.column), std::move(key_path), std::move(message), false});
}

void Diagnostics::warning(const YAML::Mark& at, std::string key_path, std::string message) {
  items_.push_back({file_, one_based(at.line), one_based(at.column), std::move(key_path), std::move(message), true});
}

std::string Diagnostics::position(const Entry& entry) const {
  return fmt::format("{}:{}:{}: {}", file_, one_based(entry.mark.line), one_based(entry.mark.column), entry.path);
}

void Diagnostics::accepted(std::string path, bool map) {
  if (record_keys_) accepted_.push_back({std::move(path), map});
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(), [](const Diagnostic& d) { return !d.warning; });
}

std::vector<Diagnostic> Diagnostics::take() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  return std::move(items_);
}

std::string_view describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a string";
    default: return "nothing";
  }
}

std::string quote_value(const YAML::Node& node) {
  if (!node.IsScalar()) return std::string(describe(node));
  std::string text = node.Scalar();
  constexpr std::size_t kMax = 40;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return fmt::format("\"{}\"", text);
}

std::string join_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

YAML::Mark value_mark(const YAML::Node& value, const YAML::Mark& key_mark) {
  if (value.IsNull()) return key_mark;
  const YAML::Mark m = value.Mark();
  return m.line >= 0 ? m : key_mark;
}

MapReader::MapReader(YAML::Node map, std::string path, YAML::Mark anchor, Diagnostics& diagnostics)
    : path_(std::move(path)), anchor_(anchor), diagnostics_(&diagnostics) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      diagnostics_->error(key.Mark(), path_, "keys must be plain names");
      continue;
    }
    const auto same = [&](const Key& k) { return k.name == key.Scalar(); };
    if (auto first = std::find_if(keys_.begin(), keys_.end(), same); first != keys_.end()) {
      diagnostics_->error(key.Mark(), join_path(path_, key.Scalar()),
                          fmt::format("duplicate key (first set at line {})", one_based(first->mark.line)));
      continue;
    }
    keys_.push_back({key.Scalar(), it->second, key.Mark()});
  }
}

void MapReader::declare(std::string_view key, bool suggest) {
  declared_.emplace_back(key);
  // Keys kept out of suggestions are refused ones (inline secrets, another provider's keys).
  if (suggest) {
    suggestions_.emplace_back(key);
    diagnostics_->accepted(join_path(path_, key), false);
  }
}

std::optional<Entry> MapReader::take(std::string_view key, bool suggest) {
  declare(key, suggest);
  for (const Key& k : keys_) {
    if (k.name == key) return Entry{k.name, join_path(path_, k.name), k.value, k.mark, value_mark(k.value, k.mark)};
  }
  return std::nullopt;
}

void MapReader::missing(std::string_view key, std::string_view hint) {
  std::string message = fmt::format("missing required key \"{}\"", key);
  if (!hint.empty()) message += fmt::format(" ({})", hint);
  diagnostics_->error(anchor_, path_, std::move(message));
}

std::optional<Entry> MapReader::scalar(std::string_view key, std::string_view expected) {
  auto entry = take(key);
  if (!entry) return std::nullopt;
  if (!entry->value.IsScalar()) {
    diagnostics_->error(entry->mark, entry->path,
                        fmt::format("expected {}, got {}", expected, describe(entry->value)));
    return std::nullopt;
  }
  return entry;
}

std::optional<Entry> MapReader::string(std::string_view key, std::string& out, bool required) {
  auto entry = scalar(key, "a string");
  if (!entry) {
    if (required && std::none_of(keys_.begin(), keys_.end(), [&](const Key& k) { return k.name == key; })) {
      missing(key);
    }
    return std::nullopt;
  }
  if (entry->value.Scalar().empty()) {
    diagnostics_->error(entry->mark, entry->path, "must not be empty");
    return std::nullopt;
  }
  out = entry->value.Scalar();
  return entry;
}

std::optional<Entry> MapReader::string(std::string_view key, std::optional<std::string>& out) {
  std::string value;
  auto entry = string(key, value);
  if (entry) out = std::move(value);
  return entry;
}

bool MapReader::boolean(std::string_view key, bool& out) {
  auto entry = scalar(key, "true or false");
  if (!entry) return false;
  const std::string& text = entry->value.Scalar();
  if (is_true(text) || is_false(text)) {
    out = is_true(text);
    return true;
  }
  diagnostics_->error(entry->mark, entry->path, fmt::format("expected true or false, got {}", quote_value(entry->value)));
  return false;
}

bool MapReader::integer(std::string_view key, int& out, int min, int max) {
  auto entry = scalar(key, "an integer");
  if (!entry) return false;
  const std::string& text = entry->value.Scalar();
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::invalid_argument || end != text.data() + text.size() || text.empty()) {
    diagnostics_->error(entry->mark, entry->path, fmt::format("expected an integer, got {}", quote_value(entry->value)));
    return false;
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    diagnostics_->error(entry->mark, entry->path, fmt::format("must be between {} and {}, got {}", min, max, text));
    return false;
  }
  out = value;
  return true;
}

bool MapReader::duration(std::string_view key, std::chrono::seconds& out, std::chrono::seconds min,
                         std::chrono::seconds max) {
  auto entry = scalar(key, "a duration");
  if (!entry) return false;
  auto parsed = parse_duration(entry->value.Scalar());
  if (!parsed) {
    diagnostics_->error(entry->mark, entry->path,
                        fmt::format("invalid duration {}: {}", quote_value(entry->value), parsed.error().message()));
    return false;
  }
  if (*parsed < min) {
    diagnostics_->error(entry->mark, entry->path, fmt::format("must be at least {}", format_duration(min)));
    return false;
  }
  if (*parsed > max) {
    diagnostics_->error(entry->mark, entry->path,
                        fmt::format("must be at most {}, got {}", format_duration(max), quote_value(entry->value)));
    return false;
  }
  out = *parsed;
  return true;
}

std::optional<std::size_t> MapReader::choice(std::string_view key, std::span<const std::string_view> names,
                                             std::string_view what) {
  auto entry = scalar(key, fmt::format("one of {}", fmt::join(names, ", ")));
  if (!entry) return std::nullopt;
  const std::string& text = entry->value.Scalar();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return i;
  }
  std::string message = fmt::format("unknown {} {}", what, quote_value(entry->value));
  if (auto best = closest_match(text, names)) {
    message += fmt::format(" (did you mean \"{}\"?)", *best);
  } else {
    message += fmt::format(" (expected one of {})", fmt::join(names, ", "));
  }
  diagnostics_->error(entry->mark, entry->path, std::move(message));
  return std::nullopt;
}

std::optional<MapReader> MapReader::map(std::string_view key, bool required) {
  diagnostics_->accepted(join_path(path_, key), true);
  auto entry = take(key);
  if (!entry) {
    if (required) missing(key);
    return std::nullopt;
  }
  if (!entry->value.IsMap() && !entry->value.IsNull()) {
    diagnostics_->error(entry->mark, entry->path, fmt::format("expected a map, got {}", describe(entry->value)));
    return std::nullopt;
  }
  return MapReader(entry->value, entry->path, entry->key_mark, *diagnostics_);
}

void MapReader::finish() {
  for (const Key& k : keys_) {
    if (std::find(declared_.begin(), declared_.end(), k.name) != declared_.end()) continue;
    diagnostics_->error(k.mark, join_path(path_, k.name),
                        fmt::format("unknown key \"{}\"{}", k.name, suggestion_suffix(k.name, suggestions_)));
  }
}

}  // namespace capsync::config::detail
