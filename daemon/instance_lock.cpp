#include "daemon/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace capsync::daemon {

Result<InstanceLock> InstanceLock::acquire(const std::string& state_dir) {
  const std::string path = state_dir + "/capsyncd.lock";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(Errc::io, "cannot open {}: {}", path, std::strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    close(fd);
    if (e == EWOULDBLOCK) return make_error(Errc::busy, "another capsyncd is already running on {}", state_dir);
    return make_error(Errc::io, "cannot lock {}: {}", path, std::strerror(e));
  }
  return InstanceLock(fd);
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace capsync::daemon
