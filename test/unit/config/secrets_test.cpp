// Secrets only by reference: files and systemd credentials, never inline, never in messages.
#include "core/config/config.hpp"

#include <catch2/catch.hpp>

#include "core/config/secret_file.hpp"
#include "test/unit/config/config_test_support.hpp"

using namespace capsync::config;
using capsync::config::test::Credentials;
using capsync::config::test::kCapsuleToken;
using capsync::config::test::kClientSecret;
using capsync::config::test::load;
using capsync::config::test::TempDir;
using capsync::config::test::texts;
using Strings = std::vector<std::string>;

namespace {

// Capsule token line (line 4, key at column 7) is what each test varies.
std::string config_with_token(std::string_view token_line) {
  return fmt::format(
      "connections:\n"
      "  - name: acme\n"
      "    capsule:\n"
      "      {}\n"
      "    accounting:\n"
      "      provider: xero\n"
      "      client_id: abc\n"
      "      client_secret_credential: client-secret\n",
      token_line);
}

}  // namespace

TEST_CASE("a secret file is read, dropping one trailing newline", "[config][secret]") {
  Credentials creds;
  TempDir dir;
  SECTION("one newline") {
    const std::string path = dir.write("token", "abc\n");
    const LoadResult r = load(config_with_token("token_file: " + path), creds.env);
    REQUIRE(texts(r).empty());
    CHECK(r.config->connections.at(0).capsule.token.reveal() == "abc");
  }
  SECTION("CRLF and a second newline") {
    CHECK(read_secret_file(dir.write("crlf", "abc\r\n")).value().value.reveal() == "abc");
    CHECK(read_secret_file(dir.write("two", "abc\n\n")).value().value.reveal() == "abc\n");
    CHECK(read_secret_file(dir.write("none", "abc")).value().value.reveal() == "abc");
  }
}

TEST_CASE("a secret named by credential is read from CREDENTIALS_DIRECTORY", "[config][secret]") {
  Credentials creds;
  const LoadResult r = load(config_with_token("token_credential: capsule"), creds.env);
  REQUIRE(texts(r).empty());
  CHECK(r.config->connections.at(0).capsule.token.reveal() == kCapsuleToken);
  CHECK(r.config->connections.at(0).accounting.client_secret.reveal() == kClientSecret);
}

TEST_CASE("an optional refresh token is read when referenced", "[config][secret]") {
  Credentials creds;
  const std::string refresh = creds.dir.write("refresh", "refresh-VALUE\n");
  const LoadResult r = load(config_with_token("token_credential: capsule") + "      refresh_token_file: " + refresh + "\n",
                            creds.env);
  REQUIRE(texts(r).empty());
  CHECK(r.config->connections.at(0).accounting.refresh_token->reveal() == "refresh-VALUE");
}

TEST_CASE("a secret file readable by group or others loads with a warning", "[config][secret]") {
  Credentials creds;
  TempDir dir;
  const std::string path = dir.write("token", "abc\n", 0640);
  const LoadResult r = load(config_with_token("token_file: " + path), creds.env);
  CHECK(r.ok());
  CHECK(texts(r) == Strings{fmt::format("capsync.yaml:4:7: warning: connections[0].capsule.token_file: secret file "
                                        "\"{}\" is readable by group or others; restrict it with chmod 600",
                                        path)});
  CHECK(r.diagnostics.at(0).warning);
  CHECK(read_secret_file(dir.write("world", "x", 0604)).value().readable_by_others);
  CHECK_FALSE(read_secret_file(dir.write("owner", "x", 0600)).value().readable_by_others);
}

TEST_CASE("an inline secret is refused with how to reference it", "[config][secret]") {
  Credentials creds;
  const LoadResult r = load(config_with_token("token: " + kCapsuleToken), creds.env);
  CHECK_FALSE(r.ok());
  CHECK(texts(r) ==
        Strings{"capsync.yaml:4:7: connections[0].capsule.token: secrets are not accepted inline: put it in a file "
                "readable only by capsync and set \"token_file: /path/to/file\", or \"token_credential: name\" with "
                "systemd LoadCredential="});
}

TEST_CASE("unusable secret references are errors at the key", "[config][secret]") {
  Credentials creds;
  TempDir dir;
  const auto only = [&](std::string_view line, const Environment& env) {
    const LoadResult r = load(config_with_token(line), env);
    CHECK_FALSE(r.ok());
    const Strings t = texts(r);
    REQUIRE(t.size() == 1);
    return t[0];
  };
  CHECK(only("token_file: /nonexistent/token", creds.env) ==
        "capsync.yaml:4:7: connections[0].capsule.token_file: cannot read secret file \"/nonexistent/token\": No "
        "such file or directory");
  CHECK(only("token_file: " + dir.path(), creds.env) ==
        fmt::format("capsync.yaml:4:7: connections[0].capsule.token_file: secret file \"{}\" is a directory, not a regular file",
                    dir.path()));
  const std::string empty = dir.write("empty", "\n");
  CHECK(only("token_file: " + empty, creds.env) ==
        fmt::format("capsync.yaml:4:7: connections[0].capsule.token_file: secret file \"{}\" is empty", empty));
  CHECK(only("token_file: secrets/token", creds.env) ==
        "capsync.yaml:4:19: connections[0].capsule.token_file: must be an absolute path, got \"secrets/token\"");
  CHECK(only("token_credential: missing", creds.env) ==
        fmt::format("capsync.yaml:4:7: connections[0].capsule.token_credential: cannot read secret file "
                    "\"{}/missing\": No such file or directory",
                    creds.dir.path()));
  CHECK(only("token_credential: ../capsule", creds.env) ==
        "capsync.yaml:4:25: connections[0].capsule.token_credential: a credential name is a file name inside "
        "$CREDENTIALS_DIRECTORY, got \"../capsule\"");
  CHECK(only("{token_file: /a, token_credential: b}", creds.env) ==
        "capsync.yaml:4:24: connections[0].capsule.token_credential: set only one of \"token_file\" and "
        "\"token_credential\"");
}

TEST_CASE("a credential reference outside systemd says what is missing", "[config][secret]") {
  Credentials creds;
  TempDir dir;
  const LoadResult r = load(config_with_token("token_file: " + dir.write("t", "x")), Environment{});
  // The token is fine; the client secret is referenced by credential and there is no directory.
  CHECK(texts(r) == Strings{"capsync.yaml:8:7: connections[0].accounting.client_secret_credential: "
                            "$CREDENTIALS_DIRECTORY is not set (systemd sets it for units with "
                            "LoadCredential=client-secret:...); outside systemd use \"client_secret_file\""});
}

TEST_CASE("no diagnostic ever contains a secret value", "[config][secret]") {
  Credentials creds;
  TempDir dir;
  const std::string leaky = "leaky-VALUE-3c1e";
  const std::string group_readable = dir.write("token", leaky + "\n", 0644);
  // Secrets inline, misspelt, in the wrong provider's key, and in files that load with warnings.
  const LoadResult r = load("log_level: " + leaky.substr(0, 4) +
                                "\n"
                                "connections:\n"
                                "  - name: acme\n"
                                "    capsule:\n"
                                "      token: " + kCapsuleToken + "\n"
                                "      token_fiel: " + kCapsuleToken + "\n"
                                "    accounting:\n"
                                "      provider: kashflow\n"
                                "      password: " + kClientSecret + "\n"
                                "      client_secret: " + kClientSecret + "\n"
                                "      memorable_word_file: " + group_readable + "\n"
                                "  - name: beta\n"
                                "    capsule: {token_file: " + group_readable + "}\n"
                                "    accounting: {provider: xero, client_id: a, client_secret_credential: client-secret,"
                                " refresh_token: " + kClientSecret + "}\n",
                            creds.env);
  CHECK_FALSE(r.ok());
  CHECK(r.diagnostics.size() >= 8);
  for (const std::string& text : texts(r)) {
    INFO(text);
    CHECK(text.find(kCapsuleToken) == std::string::npos);
    CHECK(text.find(kClientSecret) == std::string::npos);
    CHECK(text.find(leaky) == std::string::npos);
  }
}

TEST_CASE("the file each secret was read from is recorded, for reload reports", "[config][secret]") {
  Credentials creds;
  TempDir dir;
  const std::string token = dir.write("token", "abc\n");
  const LoadResult r = load(config_with_token("token_file: " + token), creds.env);
  REQUIRE(r.ok());
  CHECK(r.config->connections[0].secret_files ==
        std::map<std::string, std::string>{{"accounting.client_secret", creds.dir.path() + "/client-secret"},
                                           {"capsule.token", token}});
}
