// Files an operator names are read only when they are regular files of a sane size, and the
// YAML in them must be one well-formed, UTF-8 document: anything else is refused with where and why.
#include "core/config/config.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "core/config/secret_file.hpp"
#include "test/unit/config/config_test_support.hpp"
#include "connectors/registry/registry.hpp"

using namespace capsync::config;
using capsync::config::test::Credentials;
using capsync::config::test::kAcme;
using capsync::config::test::load;
using capsync::config::test::TempDir;
using capsync::config::test::texts;
using Strings = std::vector<std::string>;

namespace {

// A FIFO nobody writes to: opening it for reading without O_NONBLOCK waits forever.
std::string make_fifo(const TempDir& dir, const std::string& name) {
  const std::string path = dir.path() + "/" + name;
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  return path;
}

}  // namespace

TEST_CASE("a secret file that is a FIFO is refused at once and not waited on", "[config][secret]") {
  Credentials creds;
  TempDir dir;
  const std::string fifo = make_fifo(dir, "token");
  const LoadResult r = load(std::string(kAcme).replace(kAcme.find("token_credential: capsule"), 25,
                                                       "token_file: " + fifo),
                            creds.env);
  CHECK(texts(r) == Strings{fmt::format("capsync.yaml:4:7: connections[0].capsule.token_file: secret file \"{}\" is "
                                        "a FIFO, not a regular file",
                                        fifo)});
  CHECK_FALSE(r.ok());
}

TEST_CASE("a systemd credential that is a FIFO is refused the same way", "[config][secret]") {
  Credentials creds;
  const std::string fifo = make_fifo(creds.dir, "fifo-secret");
  const LoadResult r = load(std::string(kAcme).replace(kAcme.find("client-secret"), 13, "fifo-secret"), creds.env);
  CHECK(texts(r) == Strings{fmt::format("capsync.yaml:8:7: connections[0].accounting.client_secret_credential: "
                                        "secret file \"{}\" is a FIFO, not a regular file",
                                        fifo)});
}

TEST_CASE("a secret file is read up to 64 KiB and no further", "[config][secret]") {
  TempDir dir;
  CHECK(read_secret_file(dir.write("max", std::string(64 * 1024, 'x'))).ok());
  const std::string big = dir.write("big", std::string(64 * 1024 + 1, 'x'));
  const auto r = read_secret_file(big);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message() == fmt::format("secret file \"{}\" is larger than 65536 bytes", big));
  const auto device = read_secret_file("/dev/zero");
  REQUIRE_FALSE(device.ok());
  CHECK(device.error().message() == "secret file \"/dev/zero\" is a character device, not a regular file");
}

TEST_CASE("a config file that is not a regular file is refused with its path", "[config]") {
  TempDir dir;
  CHECK(texts(load_file("/dev/zero", capsync::registry::catalog(), Environment{})) ==
        Strings{"/dev/zero: config file is a character device, not a regular file"});
  CHECK(texts(load_file(dir.path(), capsync::registry::catalog(), Environment{})) ==
        Strings{fmt::format("{}: config file is a directory, not a regular file", dir.path())});
  const std::string fifo = make_fifo(dir, "capsync.yaml");
  CHECK(texts(load_file(fifo, capsync::registry::catalog(), Environment{})) == Strings{fmt::format("{}: config file is a FIFO, not a regular file", fifo)});
}

TEST_CASE("a config file larger than 1 MiB is refused before it is parsed", "[config]") {
  Credentials creds;
  TempDir dir;
  // Valid YAML, so only the size can refuse it.
  const std::string comment = "# " + std::string(1024 * 1024, '.') + "\n";
  const std::string path = dir.write("capsync.yaml", comment + std::string(kAcme));
  CHECK(texts(load_file(path, capsync::registry::catalog(), creds.env)) == Strings{fmt::format("{}: config file is larger than 1048576 bytes", path)});
  const std::string fits = dir.write("small.yaml", "# " + std::string(1000 * 1024, '.') + "\n" + std::string(kAcme));
  CHECK(load_file(fits, capsync::registry::catalog(), creds.env).ok());
}

TEST_CASE("a second YAML document is refused at its marker", "[config]") {
  Credentials creds;
  CHECK(texts(load(std::string(kAcme) + "---\nstate_dir: /elsewhere\n", creds.env)) ==
        Strings{"capsync.yaml:9:1: a second YAML document starts here; capsync.yaml holds a single document"});
  CHECK(texts(load("---\n" + std::string(kAcme) + "---\n", creds.env)) ==
        Strings{"capsync.yaml:10:1: a second YAML document starts here; capsync.yaml holds a single document"});
  // One document with explicit markers is fine.
  CHECK(load("---\n" + std::string(kAcme) + "...\n", creds.env).ok());
}

TEST_CASE("a token no document can start with is refused, not parsed forever", "[config]") {
  // yaml-cpp reads a lone "," as an endless run of empty documents.
  Credentials creds;
  CHECK(texts(load(",", creds.env)) == Strings{"capsync.yaml:1:1: invalid YAML: unexpected ','"});
  const Strings controls = texts(load(std::string(",\x02\0", 3), creds.env));
  REQUIRE(controls.size() == 1);
  CHECK_THAT(controls[0], Catch::StartsWith("capsync.yaml:1:1: invalid YAML"));
}

TEST_CASE("an alias to the map that holds it is read without walking it forever", "[config]") {
  Credentials creds;
  const std::string cyclic = "defaults: &loop\n  again: *loop\n" + std::string(kAcme);
  const Strings t = texts(load(cyclic, creds.env));  // returns: what it reports is the mapper's business
  CHECK(std::none_of(t.begin(), t.end(), [](const std::string& line) { return line.find("UTF-8") != std::string::npos; }));
}

TEST_CASE("YAML nested too deeply says so, with a position", "[config]") {
  Credentials creds;
  const std::string deep = std::string(kAcme) + "    sync:\n      default_team: " + std::string(600, '[') + "\n";
  const Strings t = texts(load(deep, creds.env));
  REQUIRE(t.size() == 1);
  CHECK_THAT(t[0], Catch::Matches(R"(capsync\.yaml:1[01]:\d+: invalid YAML: nested more than \d+ levels deep)"));
  const std::string one_line = std::string(20000, '[');
  CHECK(texts(load(one_line, creds.env)) ==
        Strings{"capsync.yaml:1:20001: invalid YAML: nested more than 500 levels deep"});
}

TEST_CASE("bytes that are not UTF-8 are refused at the value, with its key path", "[config]") {
  Credentials creds;
  std::string yaml = std::string(kAcme) + "    sync:\n      overdue_tag: \"Overdue \xff\xfe\"\n      default_team: Caf\xc3\xa9\n";
  CHECK(texts(load(yaml, creds.env)) ==
        Strings{"capsync.yaml:10:20: connections[0].sync.overdue_tag: not valid UTF-8 (byte 9 of the value); save "
                "the file as UTF-8"});
  // Latin-1 "é", an overlong "/" and a UTF-16 surrogate.
  for (std::string bad : {"Caf\xe9", "\xc0\xaf", "\xed\xa0\x80"}) {
    CAPTURE(bad);
    CHECK(texts(load(std::string(kAcme) + "    sync:\n      default_team: " + bad + "\n", creds.env)).size() == 1);
  }
  CHECK(texts(load(std::string(kAcme) + "    sync:\n      default_team: \xf0\x9f\x8c\x8d Ops\n", creds.env)).empty());
  CHECK(texts(load(std::string(kAcme) + "    sync:\n      t\xff" "eam: x\n", creds.env)) ==
        Strings{"capsync.yaml:10:7: connections[0].sync: not valid UTF-8 (byte 2 of the value); save the file as UTF-8"});
}

TEST_CASE("a state_dir that is a file is refused; an absent one is fine", "[config]") {
  Credentials creds;
  TempDir dir;
  const std::string file = dir.write("state", "x");
  CHECK(texts(load("state_dir: " + file + "\n" + std::string(kAcme), creds.env)) ==
        Strings{fmt::format("capsync.yaml:1:12: state_dir: \"{}\" exists and is not a directory", file)});
  CHECK(texts(load("state_dir: " + file + "/sub\n" + std::string(kAcme), creds.env)) ==
        Strings{fmt::format("capsync.yaml:1:12: state_dir: \"{}/sub\" cannot be created: part of its path is a file",
                            file)});
  CHECK(texts(load("state_dir: " + dir.path() + "/absent\n" + std::string(kAcme), creds.env)).empty());
  CHECK(texts(load("state_dir: " + dir.path() + "\n" + std::string(kAcme), creds.env)).empty());
}
