#include "core/config/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace capsync::config {
namespace {

constexpr off_t kMaxSecretSize = 64 * 1024;

// Closes the descriptor on every path out of read_secret_file.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

Error io_error(const std::string& path, int err) {
  return make_error(Errc::io, "cannot read secret file \"{}\": {}", path, std::strerror(err));
}

}  // namespace

Result<SecretFile> read_secret_file(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return io_error(path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error(path, errno);
  if (!S_ISREG(st.st_mode)) {
    return make_error(Errc::invalid_argument, "secret file \"{}\" is not a regular file", path);
  }
  if (st.st_size > kMaxSecretSize) {
    return make_error(Errc::invalid_argument, "secret file \"{}\" is larger than {} bytes", path,
                      kMaxSecretSize);
  }
  std::string content;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(path, errno);
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > static_cast<std::size_t>(kMaxSecretSize)) {
      return make_error(Errc::invalid_argument, "secret file \"{}\" is larger than {} bytes", path,
                        kMaxSecretSize);
    }
  }
  if (content.ends_with('\n')) {
    content.pop_back();
    if (content.ends_with('\r')) content.pop_back();
  }
  if (content.empty()) return make_error(Errc::invalid_argument, "secret file \"{}\" is empty", path);
  return SecretFile{Secret(std::move(content), path), (st.st_mode & (S_IRGRP | S_IROTH)) != 0};
}

}  // namespace capsync::config
