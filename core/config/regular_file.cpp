#include "core/config/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace capsync::config {
namespace {

// Closes the descriptor on every path out of read_regular_file.
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

std::string_view file_type(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

Error too_large(std::size_t max_bytes) {
  return make_error(Errc::invalid_argument, "is larger than {} bytes", max_bytes);
}

}  // namespace

Result<FileContent> read_regular_file(const std::string& path, std::size_t max_bytes) {
  const auto io_error = [](int err) { return Error(Errc::io, std::strerror(err)); };
  Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return io_error(errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error(errno);
  if (!S_ISREG(st.st_mode)) {
    return make_error(Errc::invalid_argument, "is {}, not a regular file", file_type(st.st_mode));
  }
  if (st.st_size > 0 && static_cast<std::uintmax_t>(st.st_size) > max_bytes) return too_large(max_bytes);
  // The size can change under us (a file being written): the read itself stops at the limit.
  std::string content;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(errno);
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > max_bytes) return too_large(max_bytes);
  }
  return FileContent{std::move(content), st.st_mode};
}

}  // namespace capsync::config
