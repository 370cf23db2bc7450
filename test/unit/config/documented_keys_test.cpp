// Every key the config loader accepts is documented in capsync.yaml(5) and in the example
// etc/capsync.yaml, and neither documents a key the loader would refuse.
#include "connectors/registry/registry.hpp"
#include "core/config/accepted_keys.hpp"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

using capsync::config::accepted_keys;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string join(const std::string& parent, const std::string& key) { return parent.empty() ? key : parent + "." + key; }

void collect(const YAML::Node& node, const std::string& path, std::set<std::string>& out) {
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = join(path, it->first.Scalar());
      out.insert(key);
      collect(it->second, key, out);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) collect(item, path + "[]", out);
  }
}

// The keys of etc/capsync.yaml, those commented out ("#tenant_id: ...") included.
std::set<std::string> example_keys(const std::string& text) {
  static const std::regex commented(R"(^(\s*)#([a-z_]+:))");
  std::stringstream in(text), uncommented;
  for (std::string line; std::getline(in, line);) uncommented << std::regex_replace(line, commented, "$1$2") << '\n';
  std::set<std::string> keys;
  collect(YAML::Load(uncommented.str()), "", keys);
  return keys;
}

// The keys of capsync.yaml(5): each .SS title is a key path ("Top level": none), each key the
// bold name on a .TP tag line.
std::set<std::string> man_page_keys(const std::string& text) {
  static const std::regex section(R"re(^\.SS "?([^"]*)"?$)re");
  static const std::regex bold(R"(\\fB([a-z_]+)\\fR)");
  std::set<std::string> keys;
  std::stringstream in(text);
  std::string prefix, line;
  bool in_keys = false, tag_next = false;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, section)) {
      in_keys = true;
      prefix = m[1] == "Top level" ? "" : std::string(m[1]);
    } else if (line.starts_with(".SH")) {
      in_keys = false;
    } else if (in_keys && tag_next) {
      for (std::sregex_iterator it(line.begin(), line.end(), bold), end; it != end; ++it)
        keys.insert(join(prefix, (*it)[1]));
    }
    tag_next = line == ".TP";
  }
  return keys;
}

// A secret's two forms, X_file and X_credential: the example shows one of them.
std::string secret_base(const std::string& key, const std::set<std::string>& accepted) {
  for (const std::string suffix : {"_file", "_credential"}) {
    if (!key.ends_with(suffix)) continue;
    const std::string base = key.substr(0, key.size() - suffix.size());
    if (accepted.contains(base + "_file") && accepted.contains(base + "_credential")) return base;
  }
  return key;
}

std::vector<std::string> missing_from(const std::set<std::string>& keys, const std::set<std::string>& documented) {
  std::vector<std::string> out;
  for (const auto& k : keys)
    if (!documented.contains(k)) out.push_back(k);
  return out;
}

}  // namespace

TEST_CASE("the loader's keys are found, nested maps and every provider's keys included", "[config][docs]") {
  const auto keys = accepted_keys(capsync::registry::catalog());
  const std::set<std::string> set(keys.begin(), keys.end());
  CHECK(set.contains("state_dir"));
  CHECK(set.contains("queue.backoff_cap"));
  CHECK(set.contains("connections[].sync.summary_fields.last_invoice"));
  CHECK(set.contains("connections[].accounting.memorable_word_credential"));
  CHECK(set.contains("connections[].accounting.tenant_id"));
  CHECK_FALSE(set.contains("connections[].capsule.token"));  // inline secrets are refused
}

TEST_CASE("every config key is in capsync.yaml(5) and etc/capsync.yaml, and nothing else is", "[config][docs]") {
  const auto list = accepted_keys(capsync::registry::catalog());
  const std::set<std::string> accepted(list.begin(), list.end());
  const auto man = man_page_keys(read(CAPSYNC_SOURCE_DIR "/etc/man/capsync.yaml.5"));
  const auto example = example_keys(read(CAPSYNC_SOURCE_DIR "/etc/capsync.yaml"));

  const auto accepted_not_in_man_page = missing_from(accepted, man);
  CHECK(accepted_not_in_man_page == std::vector<std::string>{});
  const auto in_man_page_but_refused = missing_from(man, accepted);
  CHECK(in_man_page_but_refused == std::vector<std::string>{});

  // A secret X is documented in the example by one of X_file and X_credential.
  std::set<std::string> accepted_forms, example_forms;
  for (const auto& k : accepted) accepted_forms.insert(secret_base(k, accepted));
  for (const auto& k : example) example_forms.insert(secret_base(k, accepted));
  const auto accepted_not_in_example = missing_from(accepted_forms, example_forms);
  CHECK(accepted_not_in_example == std::vector<std::string>{});
  const auto in_example_but_refused = missing_from(example, accepted);
  CHECK(in_example_but_refused == std::vector<std::string>{});
}
