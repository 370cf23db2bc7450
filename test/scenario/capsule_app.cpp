// The sandbox's registered Capsule app in a sync world (R26): the config lines and the
// Capsule REST hooks of a seed.
#include <sys/stat.h>

#include <fmt/format.h>

#include "test/scenario/sync_world.hpp"

namespace capsync::scenario {

Seed& Seed::rest_hook(std::string_view json) { return append("capsule", "restHooks", json), *this; }

std::string capsule_app_yaml(const std::string& redirect_uri, const std::filesystem::path& dir,
                             const std::string& sandbox_url) {
  if (redirect_uri.empty()) return "";
  const auto secret = dir / "capsule-client-secret";
  write_file(secret, std::string(kCapsuleClientSecret) + "\n");
  chmod(secret.c_str(), 0600);
  return fmt::format(
      "      oauth:\n"
      "        client_id: {}\n"
      "        client_secret_file: {}\n"
      "        redirect_uri: {}\n"
      "        authorize_url: {}/capsule/oauth/authorise\n"
      "        token_url: {}/capsule/oauth/token\n",
      kCapsuleClientId, secret.string(), redirect_uri, sandbox_url, sandbox_url);
}

}  // namespace capsync::scenario
