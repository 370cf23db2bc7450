#include "core/config/secret_file.hpp"

#include <sys/stat.h>

#include "core/config/regular_file.hpp"

namespace capsync::config {
namespace {

constexpr std::size_t kMaxSecretSize = 64 * 1024;

}  // namespace

Result<SecretFile> read_secret_file(const std::string& path) {
  auto content = read_regular_file(path, kMaxSecretSize);
  if (!content && content.error().code() == Errc::io)
    return make_error(Errc::io, "cannot read secret file \"{}\": {}", path, content.error().message());
  if (!content) return make_error(Errc::invalid_argument, "secret file \"{}\" {}", path, content.error().message());
  const bool shared = (content->mode & (S_IRGRP | S_IROTH)) != 0;
  std::string value = std::move(content->bytes);
  if (value.ends_with('\n')) {
    value.pop_back();
    if (value.ends_with('\r')) value.pop_back();
  }
  if (value.empty()) return make_error(Errc::invalid_argument, "secret file \"{}\" is empty", path);
  return SecretFile{Secret(std::move(value), path), shared};
}

}  // namespace capsync::config
