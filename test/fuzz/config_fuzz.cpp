// The config loader, fed any capsync.yaml: a broken file must give diagnostics, never a crash,
// since SIGHUP reloads it into a running daemon. The credentials folder holds the secrets the
// seeds name, so a valid seed loads all the way (secret files named by path are read as the
// daemon would read them).

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "core/config/config.hpp"
#include "test/fuzz/fuzz_input.hpp"
#include "connectors/registry/registry.hpp"

namespace {

// A credentials folder as systemd's LoadCredential= provides, removed when the process ends.
class Credentials {
 public:
  Credentials() {
    std::string path = std::filesystem::temp_directory_path().string() + "/capsync-fuzz-XXXXXX";
    if (::mkdtemp(path.data()) == nullptr) throw std::runtime_error("Failed to create credentials folder");
    env_.credentials_directory = path;
    for (const char* name : {"acme-capsule-token", "acme-xero-client-secret", "kashflow-password", "kashflow-word"}) {
      const std::string file = path + "/" + name;
      std::ofstream(file) << "value-of-" << name << "\n";
      ::chmod(file.c_str(), 0400);
    }
  }
  Credentials(const Credentials&) = delete;
  Credentials& operator=(const Credentials&) = delete;
  ~Credentials() {
    std::error_code ignored;
    std::filesystem::remove_all(env_.credentials_directory, ignored);
  }
  const capsync::config::Environment& env() const { return env_; }

 private:
  capsync::config::Environment env_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace config = capsync::config;
  static const Credentials credentials;
  auto loaded = config::load_string(capsync::fuzz::as_text(data, size), "capsync.yaml", capsync::registry::catalog(),
                                    credentials.env());
  for (const auto& diagnostic : loaded.diagnostics) (void)diagnostic.to_string();
  if (loaded.config) (void)config::summary(*loaded.config);
  return 0;
}
