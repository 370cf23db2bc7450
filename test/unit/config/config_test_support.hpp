#pragma once
// Shared by the config tests: a private temporary directory and a valid credentials set.

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.hpp"
#include "connectors/registry/registry.hpp"

namespace capsync::config::test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/capsync-config-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

  // Writes name with content and mode; returns the absolute path.
  std::string write(const std::string& name, const std::string& content, mode_t mode = 0600) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
    ::chmod(file.c_str(), mode);
    return file;
  }

 private:
  std::string path_;
};

// Secret values the tests plant; no diagnostic may ever contain them.
inline const std::string kCapsuleToken = "capsule-token-VALUE-91f3";
inline const std::string kClientSecret = "client-secret-VALUE-77aa";

// A valid connection list naming the Credentials below; tests append or splice lines around it.
inline constexpr std::string_view kAcme =
    "connections:\n"
    "  - name: acme\n"
    "    capsule:\n"
    "      token_credential: capsule\n"
    "    accounting:\n"
    "      provider: xero\n"
    "      client_id: abc\n"
    "      client_secret_credential: client-secret\n";

// A credentials directory (as systemd would provide) with the secrets the test configs name.
struct Credentials {
  TempDir dir;
  Environment env;
  Credentials() {
    dir.write("capsule", kCapsuleToken + "\n", 0400);
    dir.write("client-secret", kClientSecret + "\n", 0400);
    env.credentials_directory = dir.path();
  }
};

inline std::vector<std::string> texts(const LoadResult& result) {
  std::vector<std::string> out;
  for (const Diagnostic& d : result.diagnostics) out.push_back(d.to_string());
  return out;
}

inline LoadResult load(std::string_view yaml, const Environment& env) {
  return load_string(yaml, "capsync.yaml", registry::catalog(), env);
}

}  // namespace capsync::config::test
