#include "core/store/state_marker.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "core/log/log.hpp"

namespace capsync::store {
namespace {

Status sync_directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return make_error(Errc::io, "Failed to open {}: {}", dir, std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return make_error(Errc::io, "Failed to sync {}: {}", dir, std::strerror(err));
  return {};
}

}  // namespace

std::string state_marker_path(const std::string& database_path) { return database_path + ".initialized"; }

Status check_state_database(const std::string& database_path, bool accept_new) {
  const std::string marker = state_marker_path(database_path);
  struct stat st {};
  if (::stat(marker.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};  // first start, or a release from before the marker
    return make_error(Errc::io, "Failed to check {}: {}", marker, std::strerror(errno));
  }
  std::string_view problem;
  if (::stat(database_path.c_str(), &st) != 0) {
    if (errno != ENOENT) return make_error(Errc::io, "Failed to check {}: {}", database_path, std::strerror(errno));
    problem = "is missing";
  } else if (st.st_size == 0) {
    problem = "is empty";
  } else {
    return {};
  }
  if (accept_new) {
    log::warning({}, "The state database {} {} although capsyncd has used it before ({} exists); starting with a new "
                 "one as --accept-new-state asks: links, created-by-capsync flags and stored tokens start afresh",
                 database_path, problem, marker);
    return {};
  }
  return make_error(Errc::not_found,
                    "Failed to open the state database {}: it {} although capsyncd has used it before ({} exists); "
                    "starting afresh would lose every link, which parties capsync created and the stored refresh "
                    "tokens. Restore the file from a backup, or start once with --accept-new-state to begin with a "
                    "new state database",
                    database_path, problem, marker);
}

Status mark_state_database(const std::string& database_path) {
  const std::string marker = state_marker_path(database_path);
  if (::access(marker.c_str(), F_OK) == 0) return {};
  int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(Errc::io, "Failed to write {}: {}", marker, std::strerror(errno));
  constexpr std::string_view text =
      "capsyncd has used the state database beside this file; it refuses to start if that database is empty or "
      "missing (see capsyncd --accept-new-state).\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!written) {
    ::unlink(marker.c_str());
    return make_error(Errc::io, "Failed to write {}: {}", marker, std::strerror(err));
  }
  return sync_directory_of(marker);
}

}  // namespace capsync::store
